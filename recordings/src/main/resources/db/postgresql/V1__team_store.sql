-- Sockscope team store on PostgreSQL (issue 19), version 1: the tables of the H2 schema at its version 8
-- (db/migration/V1..V8), in PostgreSQL's types, plus what many writers on many machines need. Never edit a released
-- migration: add V2__… instead. Frame blocks hold their bytes in the row (compression below 16): a team store has
-- no recording files.

CREATE TABLE sessions (
    id                  BIGINT PRIMARY KEY,
    listen              TEXT    NOT NULL,
    upstream            TEXT    NOT NULL,
    path                TEXT    NOT NULL,
    query               TEXT,
    client_address      TEXT,
    request_headers     TEXT    NOT NULL,  -- JSON array of [name, value]
    handshake_status    INT     NOT NULL,
    response_headers    TEXT    NOT NULL,  -- JSON array of [name, value]
    subprotocol         TEXT,
    extensions          TEXT,
    started_at          BIGINT  NOT NULL,  -- microseconds since the epoch
    ended_at            BIGINT,
    close_code          INT,
    close_reason        TEXT,
    closed_by           VARCHAR(10),       -- client | server | proxy
    error               TEXT,
    protocol            VARCHAR(100),
    protocol_reason     TEXT,
    handshake_decoded   TEXT,
    unanswered          TEXT,
    recorder_pid        BIGINT,
    recorder_started_at BIGINT,
    journal_end         BIGINT,            -- always null here (no recording files)
    recorder_id         BIGINT,            -- the recorder (a proxy process) that recorded it: recorders.id
    proxy_host          TEXT,              -- the machine that recorded it
    proxy_name          TEXT               -- the name the proxy was given (SOCKSCOPE_PROXY_NAME), else the host
);
CREATE INDEX sessions_started ON sessions (started_at DESC);
CREATE INDEX sessions_open ON sessions (recorder_id) WHERE ended_at IS NULL;

-- Session ids come from here, so that proxies writing at once never hand out the same id.
CREATE SEQUENCE session_ids;

CREATE TABLE frame_blocks (
    session_id    BIGINT   NOT NULL,
    first_seq     BIGINT   NOT NULL,
    last_seq      BIGINT   NOT NULL,
    frame_count   INT      NOT NULL,
    first_time_us BIGINT   NOT NULL,
    last_time_us  BIGINT   NOT NULL,
    data          BYTEA,
    data_lob      BYTEA,
    compression   SMALLINT DEFAULT 0 NOT NULL,
    PRIMARY KEY (session_id, first_seq)
);

CREATE TABLE block_index (
    session_id    BIGINT NOT NULL,
    first_seq     BIGINT NOT NULL,
    last_seq      BIGINT NOT NULL,
    frame_count   INT    NOT NULL,
    first_time_us BIGINT NOT NULL,
    last_time_us  BIGINT NOT NULL,
    directions    INT    NOT NULL,
    types         INT    NOT NULL,
    kinds         INT    NOT NULL,
    warned        INT    NOT NULL,
    labels        TEXT,
    entries       BYTEA  NOT NULL,
    client_frames INT,
    client_bytes  BIGINT,
    server_frames INT,
    server_bytes  BIGINT,
    grams         BYTEA,
    PRIMARY KEY (session_id, first_seq)
);

CREATE TABLE replays (
    replay_id   BIGINT PRIMARY KEY,
    original_id BIGINT NOT NULL
);
CREATE INDEX replays_original ON replays (original_id);

-- Payloads of 64 KiB and more, which a block points at by (session, offset) as an H2 folder's payloads/ID.bin does.
CREATE TABLE large_payloads (
    session_id   BIGINT NOT NULL,
    start_offset BIGINT NOT NULL,
    data         BYTEA  NOT NULL,
    PRIMARY KEY (session_id, start_offset)
);

-- A recorder (a proxy process) holds a lease it renews by a heartbeat; any writer ends the open sessions of a
-- recorder whose lease ran out (killed, crashed, cut off). Times are the database's clock, so machines' clocks do
-- not matter.
CREATE TABLE recorders (
    id           BIGSERIAL PRIMARY KEY,
    host         TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    pid          BIGINT      NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    stopped_at   TIMESTAMPTZ
);

-- Settings of the store shared by every writer: the masking key (hex), so that a secret masks to the same tag
-- whichever proxy recorded it.
CREATE TABLE store_settings (
    name  VARCHAR(100) PRIMARY KEY,
    value TEXT NOT NULL
);
