package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.WireShape;

/**
 * The stored bytes of frame blocks, pinned: a digest of what the block encoder and the compressor made for a varied,
 * seeded set of blocks before the journal encoded blocks straight into its write buffer (issue 20, item 2), so that
 * no way of writing a block changes a byte of what is stored. The golden pair: blocks written the journal's way
 * ({@link BlockBody}, into a direct buffer) are the array encoder's bytes, block by block and file by file.
 */
class BlockWritePathTest {
    /** SHA-256 of every block's encoded bytes, compression and stored bytes, as the array encoder made them. */
    static final String PINNED = "fe2802d08c0fcc6c648ec2d4f713f114e290ba3f8ef09ffcb6145bbd402f662b";

    @Test
    void theArrayEncoderAndCompressorStillMakeThePinnedBytes() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        BlockCompression.Compressor compressor = new BlockCompression.Compressor();
        int[] kinds = new int[3];
        for (Sample s : samples()) {
            byte[] encoded = FrameBlockCodec.encode(s.frames(), s.sink());
            BlockCompression.Stored stored = compressor.compress(s.sessionId(), encoded);
            kinds[stored.compression()]++;
            digest.update(encoded);
            digest.update((byte) stored.compression());
            digest.update(stored.bytes());
        }
        assertThat(kinds[BlockCompression.LZ4]).as("blocks compressed").isGreaterThan(10);
        assertThat(kinds[BlockCompression.NONE]).as("blocks kept as encoded").isGreaterThan(10);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED);
    }

    @Test
    void aBlockWrittenIntoTheJournalsBufferIsTheArrayEncodersBlock() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        BlockCompression.Compressor arrays = new BlockCompression.Compressor();
        BlockCompression.Compressor journal = new BlockCompression.Compressor();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        int[] compressions = new int[3];
        for (Sample s : samples()) {
            byte[] encoded = FrameBlockCodec.encode(s.frames(), s.sink());
            BlockCompression.Stored stored = arrays.compress(s.sessionId(), encoded);
            BlockBody body = BlockBody.of(s.sessionId(), s.frames(), s.sink(), journal);
            assertThat(body.encodedSize()).isEqualTo(encoded.length);
            assertThat(body.leavesOutText()).isEqualTo(FrameBlockCodec.leavesOutText(encoded));
            buffer.clear().position(7); // not at 0: the journal writes blocks after their record's other values
            int compression = body.writeTo(buffer);
            assertThat(buffer.position() - 7).isLessThanOrEqualTo(body.maxStoredSize());
            byte[] written = new byte[buffer.position() - 7];
            buffer.get(7, written);
            assertThat(compression).isEqualTo(stored.compression());
            assertThat(written).isEqualTo(stored.bytes());
            compressions[compression]++;
            digest.update(encoded);
            digest.update((byte) compression);
            digest.update(written);
        }
        assertThat(compressions[BlockCompression.LZ4]).isGreaterThan(10);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(PINNED);
    }

    /**
     * The copies, as allocations: a 256 KiB block written the journal's way allocates no array of the block (its
     * payloads go straight into the buffer, or into the compressor's array kept from the block before and from there
     * through LZ4 into the buffer), where the array encoder allocates its growing array and the exact copy.
     */
    @Test
    void aBlockIsWrittenIntoTheBufferWithNoArrayOfItsOwn() throws Exception {
        Random random = new Random(5);
        List<StoredFrame> noise = new ArrayList<>();
        List<StoredFrame> chat = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] bytes = new byte[4096];
            random.nextBytes(bytes);
            noise.add(new StoredFrame(new RecordedFrame(1, i + 1, i, Direction.CLIENT_TO_SERVER, FrameType.BINARY, bytes, 1, null), null));
            chat.add(new StoredFrame(new RecordedFrame(2, i + 1, i, Direction.SERVER_TO_CLIENT, FrameType.TEXT,
                    chat(random, 4096).getBytes(StandardCharsets.UTF_8), 1, null), null));
        }
        BlockCompression.Compressor compressor = new BlockCompression.Compressor();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        FrameBlockCodec.PayloadSink none = p -> {
            throw new AssertionError("nothing is large");
        };
        long[] allocated = new long[3];
        for (int round = 0; round < 5; round++) { // the first rounds load classes and make the kept array
            long before = allocatedBytes();
            int skipped = BlockBody.of(1, noise, none, compressor).writeTo(buffer.clear()); // tried once, then skipped
            long afterNoise = allocatedBytes();
            int lz4 = BlockBody.of(2, chat, none, compressor).writeTo(buffer.clear());
            long afterChat = allocatedBytes();
            byte[] encoded = FrameBlockCodec.encode(chat, none);
            buffer.clear().put(compressor.compress(3, encoded).bytes());
            long afterArrays = allocatedBytes();
            assertThat(skipped).isEqualTo(BlockCompression.NONE);
            assertThat(lz4).isEqualTo(BlockCompression.LZ4);
            allocated = new long[] {afterNoise - before, afterChat - afterNoise, afterArrays - afterChat};
        }
        assertThat(allocated[0]).as("bytes allocated for a 256 KiB block kept as encoded").isLessThan(8 << 10);
        assertThat(allocated[1]).as("bytes allocated for a 256 KiB block compressed").isLessThan(8 << 10);
        assertThat(allocated[2]).as("the array encoder's: its arrays").isGreaterThan(2 * 64 * 4096);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * Whole batches planned and written both ways, sessions opening and ending, a session of noise (whose failed
     * block makes the compressor skip the next ones, in the same batch too) and a chatty one of several blocks per
     * batch: the same recording files, payload files and index values.
     */
    @Test
    void theRecordingFilesAreTheSameWrittenEitherWay(@TempDir Path dir) throws Exception {
        List<List<DecodedEvent>> batches = batches();
        Path arrays = dir.resolve("arrays");
        Path direct = dir.resolve("direct");
        List<JournalEntry> planned = write(arrays, false, batches);
        List<JournalEntry> written = write(direct, true, batches);
        assertThat(written).hasSameSizeAs(planned);
        int blocks = 0;
        int lz4 = 0;
        for (int i = 0; i < planned.size(); i++) {
            JournalEntry a = planned.get(i);
            JournalEntry b = written.get(i);
            assertThat(b.kind()).isEqualTo(a.kind());
            int n = a.kind() == JournalEntry.Kind.BLOCK ? a.values().size() - 1 : a.values().size();
            for (int v = 0; v < n; v++) {
                Object x = a.values().get(v);
                Object y = b.values().get(v);
                if (x instanceof byte[] bytes) {
                    assertThat((byte[]) y).as("entry %d value %d", i, v).isEqualTo(bytes);
                } else {
                    assertThat(y).as("entry %d value %d", i, v).isEqualTo(x);
                }
            }
            if (a.kind() == JournalEntry.Kind.BLOCK) {
                blocks++;
                lz4 += ((Number) a.values().get(JournalEntry.BLOCK_COMPRESSION)).intValue() == BlockCompression.LZ4 ? 1 : 0;
            }
        }
        assertThat(blocks).isGreaterThan(20);
        assertThat(lz4).isGreaterThan(3).isLessThan(blocks);
        assertSameFiles(arrays, direct);
    }

    /** Plans each batch and appends its entries to the folder's recording files; the entries as written. */
    private static List<JournalEntry> write(Path dir, boolean journaled, List<List<DecodedEvent>> batches) throws Exception {
        List<JournalEntry> all = new ArrayList<>();
        try (FileSyncer syncer = new FileSyncer(); Journal journal = new Journal(dir, syncer);
             PayloadFiles payloads = new PayloadFiles(dir)) {
            IndexWriter planner = new IndexWriter(payloads, 7, 1L, journaled);
            for (List<DecodedEvent> batch : batches) {
                List<JournalEntry> entries = planner.plan(batch);
                for (JournalEntry e : entries) {
                    List<JournalEntry> one = new ArrayList<>(List.of(e));
                    journal.append(e.sessionId(), one);
                    all.add(one.get(0));
                }
                payloads.committed();
            }
        }
        return all;
    }

    private static void assertSameFiles(Path a, Path b) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(a)) {
            files = walk.filter(Files::isRegularFile).map(a::relativize).sorted().toList();
        }
        try (Stream<Path> walk = Files.walk(b)) {
            assertThat(walk.filter(Files::isRegularFile).map(b::relativize).sorted().toList()).isEqualTo(files);
        }
        assertThat(files.stream().filter(f -> f.toString().endsWith(Journal.SUFFIX)).count()).isGreaterThan(3);
        for (Path f : files) {
            assertThat(Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)))).as("%s", f).isTrue();
        }
    }

    /** The samples' frames as decoded events, in batches: sessions start, and some end and others take their place. */
    private static List<List<DecodedEvent>> batches() {
        Random random = new Random(17);
        List<List<DecodedEvent>> batches = new ArrayList<>();
        List<DecodedEvent> batch = new ArrayList<>();
        java.util.Set<Long> open = new java.util.HashSet<>();
        long generation = 0;
        long seq = 0;
        for (Sample s : samples()) {
            long id = s.sessionId() + 10 * generation;
            if (open.add(id)) {
                batch.add(new DecodedEvent.SessionStarted(Fixtures.session(id), null));
            }
            for (StoredFrame f : s.frames()) {
                RecordedFrame r = f.frame();
                batch.add(new DecodedEvent.FrameDecoded(new RecordedFrame(id, ++seq, r.timeMicros(), r.from(), r.type(),
                        r.payload(), r.fragments(), r.note(), r.wire(), r.provenance()), f.decoding()));
            }
            if (random.nextInt(5) == 0) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
            if (random.nextInt(25) == 0) { // every session ends: the next ones are new
                for (long ended : open) {
                    batch.add(new DecodedEvent.SessionEnded(ended, new SessionEnd(seq, 1000, "bye", ClosedBy.CLIENT, null), List.of()));
                }
                open.clear();
                generation++;
            }
        }
        // A noisy session, a chatty one, and one whose noise is followed by chat: the chat's blocks are skipped after
        // the noise's block failed, in that batch and the next, as the compressor did when it compressed on planning.
        long noisy = 3 + 10 * generation;
        long chatty = 1 + 10 * generation;
        long mixed = 2 + 10 * generation;
        List<DecodedEvent> big = new ArrayList<>(List.of(new DecodedEvent.SessionStarted(Fixtures.session(noisy), null),
                new DecodedEvent.SessionStarted(Fixtures.session(chatty), null),
                new DecodedEvent.SessionStarted(Fixtures.session(mixed), null)));
        for (int i = 0; i < 1200; i++) {
            big.add(new DecodedEvent.FrameDecoded(frame(random, noisy, ++seq, true).frame(), null));
            big.add(new DecodedEvent.FrameDecoded(frame(random, chatty, ++seq, false).frame(), null));
            big.add(new DecodedEvent.FrameDecoded(frame(random, mixed, ++seq, i < 300).frame(), null));
        }
        big.add(new DecodedEvent.SessionEnded(noisy, null, List.of()));
        List<DecodedEvent> after = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            after.add(new DecodedEvent.FrameDecoded(frame(random, mixed, ++seq, false).frame(), null));
        }
        batches.add(batch);
        batches.add(big);
        batches.add(after);
        return batches;
    }

    /** One block of a session, and where its large payloads go: offsets as a session's payload file would give them. */
    record Sample(long sessionId, List<StoredFrame> frames, long payloadFileEnd) {
        FrameBlockCodec.PayloadSink sink() {
            long[] end = {payloadFileEnd};
            return payload -> {
                long at = end[0];
                end[0] += payload.length;
                return at;
            };
        }
    }

    /**
     * Blocks of a few sessions: chat JSON (compressible), random bytes (not), sizes around the compressor's smallest
     * block, notes, decodings with non-ASCII summaries and warnings, wire shapes, provenance, payloads outside the
     * block; one session's blocks are noise, so that it is skipped after a failed try.
     */
    static List<Sample> samples() {
        Random random = new Random(2020);
        List<Sample> out = new ArrayList<>();
        long[] fileEnds = new long[5];
        long seq = 0;
        for (int b = 0; b < 120; b++) {
            int session = b % 5;
            List<StoredFrame> frames = new ArrayList<>();
            int count = 1 + random.nextInt(b % 7 == 0 ? 40 : 8);
            for (int i = 0; i < count; i++) {
                frames.add(frame(random, session, ++seq, session == 3 || random.nextInt(6) == 0));
            }
            if (b % 11 == 0) { // a block right at the compressor's smallest size
                frames = new ArrayList<>(List.of(sized(session, ++seq, BlockCompression.Compressor.MIN_COMPRESSED - 22 + b % 3)));
            }
            out.add(new Sample(session, frames, fileEnds[session]));
            for (StoredFrame f : frames) {
                fileEnds[session] += PayloadFiles.external(f.frame().payload()) ? f.frame().payload().length : 0;
            }
        }
        return out;
    }

    private static StoredFrame frame(Random random, long session, long seq, boolean binary) {
        Direction from = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        byte[] payload;
        FrameType type;
        if (random.nextInt(60) == 0) {
            payload = chat(random, PayloadFiles.MIN_EXTERNAL + random.nextInt(3000)).getBytes(StandardCharsets.UTF_8);
            type = random.nextBoolean() ? FrameType.TEXT : FrameType.BINARY;
        } else if (binary) {
            payload = new byte[random.nextInt(2048)];
            random.nextBytes(payload);
            type = FrameType.BINARY;
        } else {
            payload = chat(random, 40 + random.nextInt(1400)).getBytes(StandardCharsets.UTF_8);
            type = random.nextInt(20) == 0 ? FrameType.PING : FrameType.TEXT;
        }
        String note = random.nextInt(8) == 0 ? "recorded in part: the first 1 024 bytes — Zoë's 💬" : null;
        WireShape wire = random.nextInt(3) == 0 ? null
                : new WireShape(type == FrameType.TEXT ? 1 : 2, random.nextInt(8), payload.length + 6, payload.length,
                random.nextBoolean(), from == Direction.CLIENT_TO_SERVER);
        Provenance provenance = switch (random.nextInt(10)) {
            case 0 -> Provenance.rule("rule slow-login", "delayed 250 ms", Provenance.Delivery.DELIVERED, 250_000,
                    "orig".getBytes(StandardCharsets.UTF_8), FrameType.TEXT);
            case 1 -> Provenance.INJECTED;
            case 2 -> Provenance.edited("before the edit…".getBytes(StandardCharsets.UTF_8), FrameType.BINARY, 12);
            default -> null;
        };
        RecordedFrame f = new RecordedFrame(session, seq, 1_763_884_800_000_000L + seq * 977, from, type, payload,
                1 + random.nextInt(3), note, wire, provenance);
        return new StoredFrame(f, random.nextInt(4) == 0 ? null : decoding(random, seq));
    }

    private static FrameDecoding decoding(Random random, long seq) {
        List<Warning> warnings = random.nextInt(5) == 0
                ? List.of(new Warning(Warning.Code.INVALID_JSON, "unexpected end at 12"), new Warning(Warning.Code.UNCODED, "ünïcode"))
                : List.of();
        return new FrameDecoding(random.nextBoolean() ? "json-rpc" : "socket.io", "Event.Message" + random.nextInt(30),
                Kind.values()[random.nextInt(Kind.values().length)], random.nextBoolean() ? "1 KiB: 00 01 02 …" : "{\"ok\":true}",
                random.nextBoolean() ? seq - 1 : null, random.nextBoolean() ? (long) random.nextInt(90_000) : null, warnings);
    }

    /** A binary frame whose block's encoded size is {@code target} bytes or close to it. */
    private static StoredFrame sized(long session, long seq, int target) {
        byte[] payload = chat(new Random(seq), target).getBytes(StandardCharsets.UTF_8);
        RecordedFrame f = new RecordedFrame(session, seq, 1_763_884_800_000_000L + seq, Direction.CLIENT_TO_SERVER,
                FrameType.BINARY, payload, 1, null);
        return new StoredFrame(f, null);
    }

    static String chat(Random random, int length) {
        StringBuilder sb = new StringBuilder(length + 32).append("{\"type\":\"message\",\"text\":\"");
        while (sb.length() < length - 2) {
            sb.append("word").append(random.nextInt(10_000)).append(random.nextInt(50) == 0 ? " é " : " ");
        }
        return sb.append("\"}").substring(0, Math.max(0, length));
    }
}
