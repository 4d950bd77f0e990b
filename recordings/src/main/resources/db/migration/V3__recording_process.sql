-- Version 3 (issue 8): which process recorded a session, so that a session left open by a process that was killed
-- (kill -9, a crash) can be told from one still being recorded, and ended when a writer next opens the folder.
ALTER TABLE sessions ADD COLUMN recorder_pid        BIGINT;  -- the recording process's pid
ALTER TABLE sessions ADD COLUMN recorder_started_at BIGINT;  -- when that process started, ms since the epoch (pids are reused)

-- Values a client or an upstream chooses must never be too long to store: a failed write now stops the proxy
-- (it does not relay what it cannot record), so a long URL must not be a way to stop it.
ALTER TABLE sessions ALTER COLUMN listen         SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN upstream       SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN path           SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN query          SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN client_address SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN subprotocol    SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN extensions     SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN close_reason   SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN error          SET DATA TYPE CHARACTER VARYING(1000000);
ALTER TABLE sessions ALTER COLUMN protocol_reason SET DATA TYPE CHARACTER VARYING(1000000);
