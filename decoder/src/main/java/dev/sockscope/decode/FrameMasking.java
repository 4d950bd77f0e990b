package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import dev.sockscope.capture.PartialPayload;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * How one session's frames are masked for storage, whatever decoder reads them: first what holds in every protocol
 * (conventionally named credential fields of JSON frames and the decoder's {@link ProtocolDecoder#secretFields()}; the
 * handshake's credentials and JWT signatures anywhere), before the decoder sees the frame; then the secrets the decoder
 * found ({@link Secret}). In binary frames a masked value keeps its byte length, so binary formats stay readable.
 */
final class FrameMasking {
    private final SecretMasker masker;
    /** The handshake's credentials, searched for in every frame. */
    private final Set<String> credentials;

    FrameMasking(SecretMasker masker, Set<String> credentials) {
        this.masker = masker;
        this.credentials = credentials;
    }

    /**
     * The frame masked by the rules of every protocol, or null when it holds no secret. {@code parsed} is its JSON
     * parse when it looks like JSON (null otherwise): the JSON pass runs for broken JSON, and for a tree that may hold
     * a secret.
     */
    byte[] everyProtocol(RecordedFrame f, JsonText.Parsed parsed, List<JsonPath> fields) {
        boolean jsonPass = f.type() == FrameType.TEXT && parsed != null
                && (!(parsed instanceof JsonText.Ok ok) || PayloadMasker.mayHoldSecrets(ok.tree(), fields));
        return mask(f, jsonPass, fields);
    }

    /** Masks a frame without parsing it: JSON-looking text goes through the streaming JSON pass whatever it holds. */
    byte[] unparsed(RecordedFrame f, List<JsonPath> fields) {
        return mask(f, f.type() == FrameType.TEXT && JsonText.looksLikeJson(f.payload()), fields);
    }

    private byte[] mask(RecordedFrame f, boolean jsonPass, List<JsonPath> fields) {
        byte[] out = jsonPass ? PayloadMasker.mask(f.text(), fields, masker) : null;
        byte[] base = out != null ? out : f.payload();
        // A payload recorded in part may end in the first part of a credential: masked too.
        boolean cut = PartialPayload.isCut(f);
        byte[] more = f.type() == FrameType.BINARY ? masker.maskBinary(base, credentials, cut) : masker.maskBytes(base, credentials, cut);
        return more != null ? more : out;
    }

    /** The text with the handshake's credentials and any JWT signature masked (close reasons, errors). */
    String text(String text) {
        return masker.maskText(text, credentials);
    }

    /**
     * The payload with the decoder's secrets masked, or null when that changes nothing. Spans that overlap an earlier
     * one, or reach past the payload, are left out.
     */
    byte[] secrets(byte[] payload, FrameType type, List<Secret> secrets) {
        boolean binary = type == FrameType.BINARY;
        List<Replacement> replacements = new ArrayList<>();
        for (Secret s : secrets) {
            if (s.end() > payload.length) {
                continue;
            }
            if (s instanceof Secret.Span span) {
                replace(payload, span.start(), span.end(), binary, null, replacements);
            } else if (s instanceof Secret.Json json) {
                List<PayloadMasker.StringValue> values = PayloadMasker.secretStrings(payload, json.start(), json.end(), json.fields());
                if (values != null) {
                    for (PayloadMasker.StringValue v : values) {
                        // Text: the whole string token, re-escaped; binary: the bytes inside its quotes, length kept.
                        replace(payload, binary ? v.start() + 1 : v.start(), binary ? v.end() - 1 : v.end(), binary, v.value(), replacements);
                    }
                }
            }
        }
        if (replacements.isEmpty()) {
            return null;
        }
        replacements.sort(Comparator.comparingInt(Replacement::start));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(payload.length + replacements.size() * 24);
        int pos = 0;
        for (Replacement r : replacements) {
            if (r.start() < pos) {
                continue;
            }
            out.write(payload, pos, r.start() - pos);
            out.write(r.bytes(), 0, r.bytes().length);
            pos = r.end();
        }
        out.write(payload, pos, payload.length - pos);
        return out.toByteArray();
    }

    private record Replacement(int start, int end, byte[] bytes) {
    }

    /** A replacement for bytes {@code [start, end)}: {@code jsonValue} is the decoded text of a JSON string token there. */
    private void replace(byte[] payload, int start, int end, boolean binary, String jsonValue, List<Replacement> out) {
        if (end <= start) {
            return;
        }
        if (binary) {
            if (!SecretMasker.isMaskedKeepingLength(payload, start, end)) {
                byte[] value = java.util.Arrays.copyOfRange(payload, start, end);
                out.add(new Replacement(start, end, masker.maskKeepingLength(value)));
            }
            return;
        }
        String value = jsonValue != null ? jsonValue : new String(payload, start, end - start, StandardCharsets.UTF_8);
        if (value.isEmpty() || SecretMasker.isMasked(value)) {
            return;
        }
        String masked = masker.mask(value);
        out.add(new Replacement(start, end, (jsonValue != null ? PayloadMasker.quoted(masked) : masked).getBytes(StandardCharsets.UTF_8)));
    }
}
