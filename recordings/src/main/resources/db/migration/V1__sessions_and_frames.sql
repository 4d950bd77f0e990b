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

CREATE TABLE frames (
    session_id BIGINT      NOT NULL,
    seq        BIGINT      NOT NULL,
    time_us    BIGINT      NOT NULL,                  -- microseconds since the epoch
    sender     VARCHAR(6)  NOT NULL,                  -- client | server
    type       VARCHAR(6)  NOT NULL,                  -- text | binary | ping | pong | close
    size       BIGINT      NOT NULL,
    fragments  INT         NOT NULL,
    payload    BINARY VARYING(65536),                 -- payloads up to 64 KiB, stored in the row (fast)
    payload_lob BINARY LARGE OBJECT,                  -- larger payloads; exactly one of the two is set
    note       VARCHAR(1000),
    PRIMARY KEY (session_id, seq)
);
