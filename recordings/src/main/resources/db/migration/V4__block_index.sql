-- Version 4 (issue 10, the inspector): a small index per frame block, so that filters, statistics and paging over
-- a session of a million frames read a few bytes per frame instead of inflating and decoding every block, and
-- compressed blocks. Sessions recorded before this version have no index rows and are read by decoding, as before.
CREATE TABLE block_index (
    session_id    BIGINT  NOT NULL,
    first_seq     BIGINT  NOT NULL,
    last_seq      BIGINT  NOT NULL,
    frame_count   INT     NOT NULL,
    first_time_us BIGINT  NOT NULL,
    last_time_us  BIGINT  NOT NULL,
    directions    INT     NOT NULL,           -- bit 0 client, bit 1 server: who sent frames of the block
    types         INT     NOT NULL,           -- bit per frame type (FrameBlockCodec's type code)
    kinds         INT     NOT NULL,           -- bit per Kind code; bit 31: a frame without a decoding
    warned        INT     NOT NULL,           -- frames with a note or a decoder warning
    labels        CHARACTER VARYING(1000000), -- the block's distinct labels, one per line; null when there are many
    entries       BINARY VARYING(16777216) NOT NULL, -- one FrameSummary per frame (BlockIndexCodec)
    PRIMARY KEY (session_id, first_seq)
);

-- 0: data as FrameBlockCodec wrote it; 1: raw deflate of it (BlockCompression).
ALTER TABLE frame_blocks ADD COLUMN compression TINYINT DEFAULT 0 NOT NULL;
