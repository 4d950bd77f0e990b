-- Version 7 (issue 10, text search at a million frames): each block's text signature (TextGrams), so that a search
-- for rare text skips the blocks that cannot hold it without reading them. Null in blocks indexed before this
-- version and in blocks too large to sign: those are read, as before.
ALTER TABLE block_index ADD COLUMN grams VARBINARY;
