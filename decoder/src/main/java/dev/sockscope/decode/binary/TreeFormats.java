package dev.sockscope.decode.binary;

import java.io.IOException;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.sockscope.decode.JsonText;

/**
 * The self-describing formats that read into a tree with Jackson: MessagePack (MessagePack's own Jackson module), CBOR
 * (Jackson's), and JSON sent in a binary frame. Each is tried only on first bytes that a message of it usually starts
 * with (a map whose first key is a string, an array, CBOR's self-describe tag), and taken only when the whole payload
 * is exactly one value: a map head followed by random bytes parses a little and then fails, or stops short.
 */
final class TreeFormats {
    static final PayloadFormat MSGPACK = new MessagePackFormat();
    static final PayloadFormat CBOR = new CborFormat();
    static final PayloadFormat JSON = new JsonFormat();

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder().maxNestingDepth(Limits.MAX_DEPTH).build();
    private static final ObjectMapper MSGPACK_MAPPER = new ObjectMapper(new MessagePackFactory());
    private static final ObjectMapper CBOR_MAPPER = new ObjectMapper(CBORFactory.builder().streamReadConstraints(CONSTRAINTS).build());

    static {
        MSGPACK_MAPPER.getFactory().setStreamReadConstraints(CONSTRAINTS);
    }

    private TreeFormats() {
    }

    /**
     * MessagePack: a map (fixmap 0x81–0x8f, map16 0xde) whose first key is a short readable string, or an array
     * (fixarray 0x91–0x9f, array16 0xdc) whose first item, or second after a small number, is one ({@code [1, "join",
     * …]}). Checked first with msgpack-core's {@code skipValue} (no tree), then read by Jackson.
     */
    private static final class MessagePackFormat implements PayloadFormat {
        @Override
        public boolean mayBe(byte[] p) {
            if (p.length < 3) {
                return false;
            }
            int b0 = p[0] & 0xFF;
            if (b0 >= 0x81 && b0 <= 0x8f) {
                return readableString(p, 1);
            }
            if (b0 == 0xde) {
                return readableString(p, 3);
            }
            int first = b0 >= 0x91 && b0 <= 0x9f ? 1 : b0 == 0xdc ? 3 : -1;
            if (first < 0 || first >= p.length) {
                return false;
            }
            return readableString(p, first) || (p[first] & 0xFF) <= 0x7f && readableString(p, first + 1);
        }

        /** A fixstr at {@code at} of 1 to 31 printable ASCII characters (keys, event names). */
        private static boolean readableString(byte[] p, int at) {
            if (at >= p.length) {
                return false;
            }
            int head = p[at] & 0xFF;
            return head >= 0xa1 && head <= 0xbf && printable(p, at + 1, head - 0xa0);
        }

        @Override
        public OpenedPayload open(byte[] payload, Limits limits) {
            try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(payload)) {
                unpacker.skipValue();
                if (unpacker.hasNext()) {
                    return null;
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            JsonNode tree = read(MSGPACK_MAPPER, payload);
            return tree == null ? null : OpenedPayload.of("msgpack", tree);
        }
    }

    /**
     * CBOR: the self-describe tag ({@code d9 d9 f7}), a map (0xa1–0xb7, or 0xbf of unknown length) whose first key is a
     * short readable text, or an array (0x81–0x97, 0x9f) whose first item, or second after a small number, is one.
     */
    private static final class CborFormat implements PayloadFormat {
        @Override
        public boolean mayBe(byte[] p) {
            if (p.length < 3) {
                return false;
            }
            int b0 = p[0] & 0xFF;
            if (b0 == 0xd9) {
                return p.length > 3 && (p[1] & 0xFF) == 0xd9 && (p[2] & 0xFF) == 0xf7;
            }
            if (b0 >= 0xa1 && b0 <= 0xb7 || b0 == 0xbf) {
                return readableText(p, 1);
            }
            if (b0 >= 0x81 && b0 <= 0x97 || b0 == 0x9f) {
                return readableText(p, 1) || (p[1] & 0xFF) <= 0x17 && readableText(p, 2);
            }
            return false;
        }

        /** A text string at {@code at} of 1 to 23 printable ASCII characters. */
        private static boolean readableText(byte[] p, int at) {
            if (at >= p.length) {
                return false;
            }
            int head = p[at] & 0xFF;
            return head >= 0x61 && head <= 0x77 && printable(p, at + 1, head - 0x60);
        }

        @Override
        public OpenedPayload open(byte[] payload, Limits limits) {
            JsonNode tree = read(CBOR_MAPPER, payload);
            return tree == null ? null : OpenedPayload.of("cbor", tree);
        }
    }

    /**
     * JSON in a binary frame (or inside a compressed layer): an object that starts with a key or ends at once, or an
     * array that starts with a value, ending with its closing bracket.
     */
    private static final class JsonFormat implements PayloadFormat {
        @Override
        public boolean mayBe(byte[] p) {
            int i = skipSpace(p, 0);
            if (i >= p.length || p[i] != '{' && p[i] != '[') {
                return false;
            }
            int j = skipSpace(p, i + 1);
            if (j >= p.length) {
                return false;
            }
            int end = p.length - 1;
            while (end > j && (p[end] == ' ' || p[end] == '\t' || p[end] == '\n' || p[end] == '\r')) {
                end--;
            }
            if (p[end] != (p[i] == '{' ? '}' : ']')) {
                return false;
            }
            int next = p[j];
            return p[i] == '{' ? next == '"' || next == '}'
                    : next == '"' || next == '{' || next == '[' || next == ']' || next == '-' || next >= '0' && next <= '9'
                    || next == 't' || next == 'f' || next == 'n';
        }

        private static int skipSpace(byte[] p, int i) {
            while (i < p.length && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) {
                i++;
            }
            return i;
        }

        @Override
        public OpenedPayload open(byte[] payload, Limits limits) {
            return JsonText.parse(payload) instanceof JsonText.Ok ok ? OpenedPayload.of("json", ok.tree()) : null;
        }
    }

    /** Whether {@code length} bytes from {@code from} are there and all printable ASCII. */
    private static boolean printable(byte[] p, int from, int length) {
        if (from + length > p.length) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            if (p[i] < 0x20 || p[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** One whole value read as a tree, or null when the payload is not exactly one value of the mapper's format. */
    private static JsonNode read(ObjectMapper mapper, byte[] payload) {
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            JsonNode tree = mapper.readTree(parser);
            if (tree == null || tree.isMissingNode() || !tree.isContainerNode()) {
                return null;
            }
            // The mapper leaves the parser on the value's last token; anything after it means this was not the format.
            return mapper == MSGPACK_MAPPER || parser.nextToken() == null ? tree : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
