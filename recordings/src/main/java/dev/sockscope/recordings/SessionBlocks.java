package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

import dev.sockscope.decode.Kind;
import dev.sockscope.wire.FrameType;

/**
 * One session's frame blocks in seq order, read through one connection. Sessions recorded since schema version 4
 * are walked through their small index rows ({@code block_index}), and a block's frames are read only when a match
 * needs them; older sessions have no index and are walked by decoding their blocks.
 */
final class SessionBlocks {
    /** Rows fetched per query of whole blocks (older sessions): H2 holds a whole result in memory, and a block is large. */
    private static final int CHUNK = 16;
    /**
     * Rows fetched per query of index rows, which leave out each block's frame entries (their largest column, read when
     * a block is looked into): small rows, so that a walk over a long session is a few queries (on PostgreSQL each is a
     * round trip) and a page's first query does not carry the entries of blocks it never opens.
     */
    private static final int INDEX_CHUNK = 256;
    private static final String INDEX_COLUMNS =
            "first_seq, last_seq, first_time_us, last_time_us, directions, types, kinds, warned, labels, NULL";
    /** A walk that opens every block (statistics) reads the entries with the rows, this many rows a query. */
    private static final int WHOLE_CHUNK = 64;
    private static final String WHOLE_COLUMNS =
            "first_seq, last_seq, first_time_us, last_time_us, directions, types, kinds, warned, labels, entries";
    private static final String BLOCK_COLUMNS = "first_seq, last_seq, first_time_us, last_time_us, data, data_lob, compression";
    static final int NO_DECODING_BIT = 31;

    private final Connection connection;
    private final long sessionId;
    private final PayloadFiles payloads;
    private final boolean indexed;
    /** Whether the schema has text signatures at all (an older proxy's server may not). */
    private final boolean signed;
    /** Whether the walk reads the blocks' text signatures (only a text or regex search needs them). */
    private final boolean grams;
    /** Texts every match holds: the search text (when signatures can tell) and the regex's required runs. */
    private final List<String> needles;
    /** The regex's required runs alone, checked in a block's bytes before it is decoded. */
    private final List<String> regexRuns;
    /** Whether the walk reads each block's frame entries with its row (it opens every block). */
    private final boolean whole;

    SessionBlocks(Connection connection, long sessionId, PayloadFiles payloads, boolean signed) throws SQLException {
        this.connection = connection;
        this.sessionId = sessionId;
        this.payloads = payloads;
        this.signed = signed;
        this.grams = false;
        this.needles = List.of();
        this.regexRuns = List.of();
        this.whole = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM block_index WHERE session_id = ? LIMIT 1")) {
            ps.setLong(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                this.indexed = rs.next();
            }
        }
    }

    private SessionBlocks(SessionBlocks walk, List<String> needles, List<String> regexRuns, boolean whole) {
        this.connection = walk.connection;
        this.sessionId = walk.sessionId;
        this.payloads = walk.payloads;
        this.indexed = walk.indexed;
        this.signed = walk.signed;
        this.needles = needles;
        this.regexRuns = regexRuns;
        this.grams = !needles.isEmpty() && walk.indexed && walk.signed;
        this.whole = whole;
    }

    /** The same blocks, for a walk that opens every one of them: their entries come with their rows. */
    SessionBlocks whole() {
        return new SessionBlocks(this, needles, regexRuns, true);
    }

    /** The same blocks, walked with their text signatures when {@code filter}'s text or regex search can use them. */
    SessionBlocks forSearch(FrameFilter filter) {
        List<String> regexRuns = filter.regex() == null ? List.of() : RegexLiterals.required(filter.regex());
        List<String> needles = new java.util.ArrayList<>(regexRuns);
        if (TextGrams.usable(filter.text())) {
            needles.add(filter.text());
        }
        return needles.isEmpty() ? this : new SessionBlocks(this, List.copyOf(needles), regexRuns, whole);
    }

    /** False when a block's (inflated) bytes cannot hold a match of the content search. */
    private boolean bytesMayMatch(byte[] data, FrameFilter filter) {
        return FrameBlockCodec.leavesOutText(data)
                || (filter.mayMatchBytes(data) && regexRuns.stream().allMatch(r -> FrameFilter.bytesContain(data, r)));
    }

    /** A block: its span, its summary columns (indexed sessions), and its frames, read when first asked for. */
    final class Block {
        final long firstSeq;
        final long lastSeq;
        final long firstMicros;
        final long lastMicros;
        private final Integer directions;
        private final Integer types;
        private final Integer kinds;
        private final Integer warned;
        private final String labels;
        private final byte[] signature;
        private byte[] entries;
        private byte[] data;
        private int compression;
        private List<FrameSummary> summaries;
        private List<StoredFrame> frames;
        private Boolean textPossible;

        private Block(ResultSet rs) throws SQLException {
            firstSeq = rs.getLong(1);
            lastSeq = rs.getLong(2);
            firstMicros = rs.getLong(3);
            lastMicros = rs.getLong(4);
            if (indexed) {
                directions = rs.getInt(5);
                types = rs.getInt(6);
                kinds = rs.getInt(7);
                warned = rs.getInt(8);
                labels = rs.getString(9);
                entries = whole ? rs.getBytes(10) : null;
                signature = grams ? rs.getBytes(11) : null;
            } else {
                directions = types = kinds = warned = null;
                labels = null;
                signature = null;
                byte[] inline = rs.getBytes(5);
                data = inline != null ? inline : rs.getBytes(6);
                compression = rs.getInt(7);
            }
        }

        /**
         * False when no frame of this block can match (known from its summary columns alone).
         *
         * @param unansweredInside whether a request the session left unanswered lies in this block
         */
        boolean mayMatch(FrameFilter f, boolean unansweredInside) {
            if (!f.mayMatchTimes(firstMicros, lastMicros)) {
                return false;
            }
            if (!indexed) {
                return true;
            }
            if (f.from() != null && (directions & (1 << f.from().ordinal())) == 0) {
                return false;
            }
            if (!f.types().isEmpty() && f.types().stream().noneMatch(t -> (types & typeBit(t)) != 0)) {
                return false;
            }
            if (!f.kinds().isEmpty() && f.kinds().stream().noneMatch(k -> (kinds & (1 << k.code())) != 0)) {
                return false;
            }
            if (f.warningsOnly() && warned == 0 && !unansweredInside) {
                return false;
            }
            if (f.label() != null && labels != null
                    && labels.toLowerCase(Locale.ROOT).lines().noneMatch(l -> l.contains(f.label()))) {
                return false;
            }
            return needles.stream().allMatch(n -> TextGrams.mayContain(signature, n));
        }

        List<FrameSummary> summaries() throws SQLException {
            if (summaries == null) {
                summaries = indexed ? BlockIndexCodec.decode(entries()) : frames().stream().map(FrameSummary::of).toList();
                entries = null;
            }
            return summaries;
        }

        List<StoredFrame> frames() throws SQLException {
            if (frames == null) {
                frames = FrameBlockCodec.decode(sessionId, encoded(), (offset, length) -> payloads.read(sessionId, offset, length));
                data = null;
            }
            return frames;
        }

        /** Reads the stored bytes now (through the connection, so on the walking thread). */
        void fetch() throws SQLException {
            if (data == null && frames == null) {
                readData();
            }
        }

        /**
         * Inflates the fetched bytes and decides {@link FrameFilter#mayMatchBytes}: pure work, safe on another thread.
         * Decoding waits until a match needs it.
         */
        void precheck(FrameFilter filter) {
            if (frames == null && data != null && textPossible == null) {
                try {
                    fromJournal();
                } catch (SQLException e) {
                    return; // read again, and reported, by the thread that decodes it
                }
                if (compression != BlockCompression.NONE) {
                    data = BlockCompression.expand(data, compression, 0);
                    compression = BlockCompression.NONE;
                }
                textPossible = bytesMayMatch(data, filter);
            }
        }

        boolean mayHoldText(FrameFilter filter) throws SQLException {
            if (textPossible == null) {
                textPossible = frames != null || bytesMayMatch(encoded(), filter);
            }
            return textPossible;
        }

        /** The block as FrameBlockCodec wrote it (inflated). */
        byte[] encoded() throws SQLException {
            if (data == null) {
                readData();
            }
            fromJournal();
            if (compression != BlockCompression.NONE) {
                data = BlockCompression.expand(data, compression, 0);
                compression = BlockCompression.NONE;
            }
            return data;
        }

        /** A block whose row says where its record is: its bytes, from the session's recording file. */
        private void fromJournal() throws SQLException {
            if (compression >= IndexWriter.JOURNALED) {
                try {
                    data = Journal.readBlock(payloads.directory(), sessionId, java.nio.ByteBuffer.wrap(data).getLong());
                } catch (java.io.IOException e) {
                    throw new SQLException(e.getMessage(), e);
                }
                compression -= IndexWriter.JOURNALED;
            }
        }

        /** The frame entries of the block's index row, read when the block is first looked into. */
        private byte[] entries() throws SQLException {
            if (entries == null) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT entries FROM block_index WHERE session_id = ? AND first_seq = ?")) {
                    ps.setLong(1, sessionId);
                    ps.setLong(2, firstSeq);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("block " + firstSeq + " of session " + sessionId + " left the index");
                        }
                        entries = rs.getBytes(1);
                    }
                }
            }
            return entries;
        }

        private void readData() throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT data, data_lob, compression FROM frame_blocks WHERE session_id = ? AND first_seq = ?")) {
                ps.setLong(1, sessionId);
                ps.setLong(2, firstSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("block " + firstSeq + " of session " + sessionId + " is in the index but not stored");
                    }
                    byte[] inline = rs.getBytes(1);
                    data = inline != null ? inline : rs.getBytes(2);
                    compression = rs.getInt(3);
                }
            }
        }
    }

    static int typeBit(FrameType t) {
        return 1 << FrameBlockCodec.typeCode(t);
    }

    static int kindBit(Kind k) {
        return k == null ? 1 << NO_DECODING_BIT : 1 << k.code();
    }

    private String table() {
        return indexed ? "block_index" : "frame_blocks";
    }

    private int chunk() {
        return !indexed ? CHUNK : whole ? WHOLE_CHUNK : INDEX_CHUNK;
    }

    private String columns() {
        String index = whole ? WHOLE_COLUMNS : INDEX_COLUMNS;
        return indexed ? (grams ? index + ", grams" : index) : BLOCK_COLUMNS;
    }

    /** The first and last frame times of the session ({@code null}s when it has no frames). */
    Long[] timeSpan() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT MIN(first_time_us), MAX(last_time_us) FROM " + table() + " WHERE session_id = ?")) {
            ps.setLong(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long first = rs.getLong(1);
                return rs.wasNull() ? new Long[] {null, null} : new Long[] {first, rs.getLong(2)};
            }
        }
    }

    /** Blocks from the one holding {@code seq} (or the first after it) on, until {@code visitor} returns false. */
    void forward(long seq, Visitor visitor) throws SQLException {
        long from;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT MAX(first_seq) FROM " + table() + " WHERE session_id = ? AND first_seq <= ?")) {
            ps.setLong(1, sessionId);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                from = rs.getLong(1);
            }
        }
        String sql = "SELECT " + columns() + " FROM " + table() + " WHERE session_id = ? AND first_seq >= ? ORDER BY first_seq LIMIT " + chunk();
        walk(sql, from, visitor, b -> b.lastSeq + 1);
    }

    /** Blocks that start before {@code seq}, last first, until {@code visitor} returns false. */
    void backward(long seq, Visitor visitor) throws SQLException {
        String sql = "SELECT " + columns() + " FROM " + table() + " WHERE session_id = ? AND first_seq < ? ORDER BY first_seq DESC LIMIT " + chunk();
        walk(sql, seq, visitor, b -> b.firstSeq);
    }

    private void walk(String sql, long start, Visitor visitor, java.util.function.ToLongFunction<Block> nextBound) throws SQLException {
        long bound = start;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            while (true) {
                ps.setLong(1, sessionId);
                ps.setLong(2, bound);
                int n = 0;
                Block last = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        last = new Block(rs);
                        if (!visitor.visit(last)) {
                            return;
                        }
                    }
                }
                if (n < chunk()) {
                    return;
                }
                bound = nextBound.applyAsLong(last);
            }
        }
    }

    /** Sees one block; returns false to stop the walk. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(Block block) throws SQLException;
    }
}
