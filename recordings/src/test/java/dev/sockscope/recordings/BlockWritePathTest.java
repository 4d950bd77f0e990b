package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;

/**
 * The stored bytes of frame blocks, pinned: a digest of what the block encoder and the compressor made for a varied,
 * seeded set of blocks before the journal encoded blocks straight into its write buffer (issue 20, item 2), so that
 * no way of writing a block changes a byte of what is stored.
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

    /** One block of a session, and where its large payloads go: offsets as a session's payload file would give them. */
    record Sample(long sessionId, List<StoredFrame> frames, FrameBlockCodec.PayloadSink sink) {
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
            long[] end = {fileEnds[session]};
            FrameBlockCodec.PayloadSink sink = payload -> {
                long at = end[0];
                end[0] += payload.length;
                return at;
            };
            out.add(new Sample(session, frames, sink));
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
