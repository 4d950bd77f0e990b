-- Version 6 (issue 11): a replay is recorded as a session of its own, linked to the session it replayed.
CREATE TABLE replays (
    replay_id   BIGINT PRIMARY KEY,  -- the replay's session
    original_id BIGINT NOT NULL      -- the recorded session it replayed (may have been deleted since)
);
CREATE INDEX replays_original ON replays (original_id);
