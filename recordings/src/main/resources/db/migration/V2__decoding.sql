-- Version 2: what the decoder made of each session (issue 3). Frame decodings live in the frame blocks
-- (FrameBlockCodec version 2); version 1 blocks stay readable and simply have no decoding.
ALTER TABLE sessions ADD COLUMN protocol          VARCHAR(100);             -- the decoder chosen for the session
ALTER TABLE sessions ADD COLUMN protocol_reason   VARCHAR(1000);            -- why: --protocol, handshake evidence, content
ALTER TABLE sessions ADD COLUMN handshake_decoded CHARACTER LARGE OBJECT;   -- JSON: the handshake explained, secrets masked
ALTER TABLE sessions ADD COLUMN unanswered        CHARACTER LARGE OBJECT;   -- JSON array of request seqs never answered
