package dev.sockscope.decode;

/**
 * Something wrong with a frame, as the decoder found it: a code that programs match on (filters, the decoder's own
 * pairing logic) and a sentence that people read. Code matches code; nothing matches the text.
 */
public record Warning(Code code, String text) {

    /** Stored by {@link #storageCode()}, which never changes once released; names are shown in JSON as {@link #id()}. */
    public enum Code {
        /** Stored before warnings had codes. */
        UNCODED(0, "uncoded"),
        INVALID_JSON(1, "invalid-json"),
        /** A string field the spec says holds JSON text does not. */
        INVALID_NESTED_JSON(2, "invalid-nested-json"),
        WRONG_TYPE(3, "wrong-type"),
        /** The label field's value (opcode, event name) is not in the spec's table. */
        NOT_IN_TABLE(4, "not-in-table"),
        NO_LABEL_FIELD(5, "no-label-field"),
        /** A warning a spec's kind rule attaches (e.g. an error response). */
        SPEC_RULE(6, "spec-rule"),
        /** A binary frame in a protocol of JSON text. */
        UNEXPECTED_BINARY(7, "unexpected-binary"),
        /** A response whose correlation key matches no pending request. */
        ANSWERS_NOTHING(8, "answers-nothing"),
        /** Too large to parse; stored whole, masked without a tree. */
        NOT_DECODED(9, "not-decoded"),
        /** The decoder threw; a bug, costing this frame its label. */
        DECODER_FAILED(10, "decoder-failed"),
        /** A frame the session's protocol says is not its own (a text frame in a binary protocol); decoded generically. */
        NOT_THIS_PROTOCOL(11, "not-this-protocol"),
        /** A frame of the protocol that cannot be read (cut short, a field that does not parse); kept as it came. */
        MALFORMED(12, "malformed"),
        /** A record that does not have the shape a spec's framing describes. */
        FRAMING(13, "framing");

        private final int storageCode;
        private final String id;

        Code(int storageCode, String id) {
            this.storageCode = storageCode;
            this.id = id;
        }

        public int storageCode() {
            return storageCode;
        }

        public String id() {
            return id;
        }

        public static Code fromStorage(int code) {
            for (Code c : values()) {
                if (c.storageCode == code) {
                    return c;
                }
            }
            return UNCODED;
        }
    }

    public static Warning of(Code code, String text) {
        return new Warning(code, text);
    }

    @Override
    public String toString() {
        return text;
    }
}
