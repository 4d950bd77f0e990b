-- Sockscope recording schema, version 1. Never edit a released migration: add V2__… instead,
-- so that recordings made by older versions still open (Flyway applies what is missing).

CREATE TABLE sessions (
    id               BIGINT PRIMARY KEY,
    listen           VARCHAR(300)  NOT NULL,
    upstream         VARCHAR(2000) NOT NULL,
    path             VARCHAR(8000) NOT NULL,
    query            VARCHAR(8000),
    client_address   VARCHAR(300),
    request_headers  CHARACTER LARGE OBJECT NOT NULL, -- JSON array of [name, value]
    handshake_status INT           NOT NULL,
    response_headers CHARACTER LARGE OBJECT NOT NULL, -- JSON array of [name, value]
    subprotocol      VARCHAR(1000),
    extensions       VARCHAR(2000),
    started_at       BIGINT        NOT NULL,          -- microseconds since the epoch
    ended_at         BIGINT,
    close_code       INT,
    close_reason     VARCHAR(1000),
    closed_by        VARCHAR(10),                     -- client | server | proxy
    error            VARCHAR(4000)
);

CREATE INDEX sessions_started ON sessions (started_at DESC);

-- Frames are stored in blocks: consecutive frames of one session, encoded together (FrameBlockCodec).
-- One row per block instead of one per frame keeps recording cheap enough to keep up with a fast relay.
CREATE TABLE frame_blocks (
    session_id    BIGINT NOT NULL,
    first_seq     BIGINT NOT NULL,
    last_seq      BIGINT NOT NULL,
    frame_count   INT    NOT NULL,
    first_time_us BIGINT NOT NULL,                    -- microseconds since the epoch
    last_time_us  BIGINT NOT NULL,
    data          BINARY VARYING(4194304),            -- the encoded frames, up to 2 MiB (in the row)
    data_lob      BINARY LARGE OBJECT,                -- the encoded frames, when larger; exactly one is set
    PRIMARY KEY (session_id, first_seq)
);
