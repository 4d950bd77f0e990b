-- Version 8 (issue 22, recordings that survive crashes): every session's events are first appended to its recording
-- file, journal/ID.seg (checksummed records, Journal), the source of truth; this database is an index of them,
-- caught up or rebuilt from them when it is behind or damaged. journal_end: how much of the session's file the
-- index holds (null for sessions recorded before this version, which have no file). A block's data column then
-- holds where its record starts in that file (compression + 16).
ALTER TABLE sessions ADD COLUMN journal_end BIGINT;
