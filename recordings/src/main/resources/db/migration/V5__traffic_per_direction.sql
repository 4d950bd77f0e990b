-- Version 5 (issue 10, the inspector's sessions page): frames and bytes each way per block, so that the list of
-- sessions shows them from a sum over the small index rows. Null in blocks indexed before this version (unknown).
ALTER TABLE block_index ADD COLUMN client_frames INT;
ALTER TABLE block_index ADD COLUMN client_bytes  BIGINT;
ALTER TABLE block_index ADD COLUMN server_frames INT;
ALTER TABLE block_index ADD COLUMN server_bytes  BIGINT;
