package dev.sockscope.decode.binary;

import java.math.BigInteger;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;

import dev.sockscope.wire.Utf8Validator;

/**
 * Protocol Buffers without a schema, as {@code protoc --decode_raw} shows them: field numbers as keys, varints as
 * numbers, fixed32 and fixed64 in hex, and length-delimited fields guessed: readable UTF-8 text as a string, bytes
 * that parse as a message as a nested message, anything else as bytes. A field seen more than once is an array.
 *
 * <p>Read by protobuf-java's {@link UnknownFieldSet}. Because almost any byte can start a protobuf message, a payload
 * is first walked cheaply ({@link #plausible}: tags, wire types and lengths, no allocation, no exception) and taken
 * only when it is exactly a sequence of well-formed fields; random bytes fail the walk within a few bytes.
 */
final class RawProtobuf implements PayloadFormat {
    static final String FORMAT = "protobuf";
    static final RawProtobuf INSTANCE = new RawProtobuf();
    /** Field numbers above this are taken as noise: real schemas number their fields far lower. */
    static final int MAX_PLAUSIBLE_FIELD = 1 << 16;
    /** Messages guessed inside messages, at most. */
    private static final int MAX_NESTED = 16;

    private RawProtobuf() {
    }

    @Override
    public boolean mayBe(byte[] p) {
        return p.length >= 2 && plausible(p, 0, p.length);
    }

    @Override
    public OpenedPayload open(byte[] payload, Limits limits) {
        if (isText(payload)) {
            return null; // text in a binary frame: some text parses as protobuf, and it is more likely text
        }
        try {
            return OpenedPayload.of(FORMAT, tree(UnknownFieldSet.parseFrom(payload), 0));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether {@code [from, to)} is a whole sequence of protobuf fields (groups excepted) with plausible field numbers:
     * the cheap test that runs on every binary frame no other format takes.
     */
    static boolean plausible(byte[] p, int from, int to) {
        int i = from;
        while (i < to) {
            long tag = 0;
            int shift = 0;
            int b;
            do {
                if (i >= to || shift > 28) {
                    return false;
                }
                b = p[i++] & 0xFF;
                tag |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b >= 0x80);
            long field = tag >>> 3;
            if (field == 0 || field > MAX_PLAUSIBLE_FIELD) {
                return false;
            }
            switch ((int) (tag & 7)) {
                case 0 -> {
                    int n = 0;
                    do {
                        if (i >= to || ++n > 10) {
                            return false;
                        }
                    } while ((p[i++] & 0x80) != 0);
                }
                case 1 -> i += 8;
                case 5 -> i += 4;
                case 2 -> {
                    long length = 0;
                    shift = 0;
                    do {
                        if (i >= to || shift > 28) {
                            return false;
                        }
                        b = p[i++] & 0xFF;
                        length |= (long) (b & 0x7F) << shift;
                        shift += 7;
                    } while (b >= 0x80);
                    if (length > to - i) {
                        return false;
                    }
                    i += (int) length;
                }
                default -> {
                    return false; // groups (3, 4) are long deprecated; 6 and 7 do not exist
                }
            }
        }
        return i == to;
    }

    /** A set of fields read without a schema, as a tree: field numbers as keys. */
    static ObjectNode tree(UnknownFieldSet fields, int depth) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<Integer, UnknownFieldSet.Field> e : fields.asMap().entrySet()) {
            UnknownFieldSet.Field f = e.getValue();
            ArrayNode values = JsonNodeFactory.instance.arrayNode();
            f.getVarintList().forEach(v -> values.add(v >= 0 ? JsonNodeFactory.instance.numberNode(v)
                    : JsonNodeFactory.instance.numberNode(new BigInteger(Long.toUnsignedString(v)))));
            f.getFixed32List().forEach(v -> values.add(String.format("0x%08x", v)));
            f.getFixed64List().forEach(v -> values.add(String.format("0x%016x", v)));
            for (ByteString bytes : f.getLengthDelimitedList()) {
                values.add(lengthDelimited(bytes, depth));
            }
            f.getGroupList().forEach(g -> values.add(tree(g, depth + 1)));
            out.set(String.valueOf(e.getKey()), values.size() == 1 ? values.get(0) : values);
        }
        return out;
    }

    /** Text, a nested message or bytes: as {@code --decode_raw} guesses, but text first when it reads as text. */
    private static JsonNode lengthDelimited(ByteString bytes, int depth) {
        byte[] b = bytes.toByteArray();
        if (isText(b)) {
            return JsonNodeFactory.instance.textNode(bytes.toStringUtf8());
        }
        if (depth < MAX_NESTED && b.length > 0 && plausible(b, 0, b.length)) {
            try {
                return tree(UnknownFieldSet.parseFrom(b), depth + 1);
            } catch (InvalidProtocolBufferException e) {
                // bytes after all
            }
        }
        return JsonNodeFactory.instance.binaryNode(b);
    }

    /** Valid UTF-8 without control characters other than tab and line ends (empty counts as text). */
    static boolean isText(byte[] b) {
        for (byte x : b) {
            if ((x & 0xFF) < 0x20 && x != '\t' && x != '\n' && x != '\r' || x == 0x7f) {
                return false;
            }
        }
        return Utf8Validator.isValid(b);
    }
}
