package dev.sockscope.decode.binary;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * What a binary payload is, when it is one of the formats apps put in binary frames: gzip or zlib (inflated, up to
 * {@link Limits#MAX_INFLATED}, then opened in turn), CBOR, MessagePack, JSON, or a Protocol Buffers message read
 * without a schema. The one place that knows these formats: the fallback decoder asks it about every binary frame no
 * decoder claims, and a decoder whose protocol carries opaque payloads (an MQTT PUBLISH) may ask it about those.
 *
 * <p>Most binary frames are none of these (the relay benchmark's random bytes), so each format first looks at the
 * payload's first bytes, and only a payload that starts as a format's messages start is parsed; a format is taken
 * only when the whole payload is one well-formed value of it. Never throws.
 */
public final class PayloadFormats {
    /** Payloads larger than this are not opened (shown in hex, as before): parsing is bounded by size. */
    public static final int MAX_BYTES = 4 << 20;
    /** Tried in this order; the first that opens the payload wins. */
    private static final List<PayloadFormat> CHAIN = List.of(Compressed.GZIP, Compressed.ZLIB, TreeFormats.JSON, TreeFormats.MSGPACK,
            TreeFormats.CBOR, RawProtobuf.INSTANCE);
    /**
     * For bytes inside a tree (a MessagePack bin, a base64 string): the same without schema-less protobuf, which a
     * hash or an id of a few bytes may pass for.
     */
    private static final List<PayloadFormat> NESTED = CHAIN.subList(0, CHAIN.size() - 1);

    private PayloadFormats() {
    }

    /** The payload opened, or null when it is none of the formats (or too large to try). */
    public static OpenedPayload open(byte[] payload) {
        return open(payload, Limits.fresh(), false);
    }

    /**
     * {@code inner}: the payload came out of an outer layer (a gzip), so it may also be plain text, which a binary
     * frame on its own is not taken for here.
     */
    static OpenedPayload open(byte[] payload, Limits limits, boolean inner) {
        return open(payload, limits, inner, CHAIN);
    }

    /** Bytes found inside a tree, opened if they are compressed, JSON, MessagePack or CBOR. */
    static OpenedPayload openNested(byte[] payload, Limits limits) {
        return open(payload, limits, true, NESTED);
    }

    private static OpenedPayload open(byte[] payload, Limits limits, boolean inner, List<PayloadFormat> chain) {
        if (payload == null || payload.length < 2 || payload.length > MAX_BYTES) {
            return null;
        }
        try {
            for (PayloadFormat format : chain) {
                if (format.mayBe(payload)) {
                    OpenedPayload opened = format.open(payload, limits);
                    if (opened != null) {
                        return opened;
                    }
                }
            }
            if (inner && RawProtobuf.isText(payload)) {
                return OpenedPayload.of("text", JsonNodeFactory.instance.textNode(new String(payload, StandardCharsets.UTF_8)));
            }
        } catch (RuntimeException | StackOverflowError e) {
            return null; // a library's bug on a hostile payload costs the payload its tree, nothing else
        }
        return null;
    }
}
