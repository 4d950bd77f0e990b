-- Version 2 (issue 19): a session may be starred (when, microseconds since the epoch; null: not starred). Retention
-- never deletes a starred session.
ALTER TABLE sessions ADD COLUMN starred_at BIGINT;
CREATE INDEX sessions_starred ON sessions (id) WHERE starred_at IS NOT NULL;
