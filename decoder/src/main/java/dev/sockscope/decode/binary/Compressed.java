package dev.sockscope.decode.binary;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Filters;
import dev.sockscope.decode.Warning;

/**
 * gzip (RFC 1952, magic {@code 1f 8b 08}) and zlib (RFC 1950: {@code 78 01}, {@code 78 5e}, {@code 78 9c},
 * {@code 78 da}, header checksum right) payloads, inflated with {@code java.util.zip} up to the inflation budget
 * ({@link Limits#MAX_INFLATED}: a bomb stops there, with a warning), and what they hold opened in turn.
 */
final class Compressed implements PayloadFormat {
    static final Compressed GZIP = new Compressed("gzip");
    static final Compressed ZLIB = new Compressed("zlib");

    private final String name;

    private Compressed(String name) {
        this.name = name;
    }

    @Override
    public boolean mayBe(byte[] p) {
        if (p.length < 3) {
            return false;
        }
        int b0 = p[0] & 0xFF;
        int b1 = p[1] & 0xFF;
        if (this == GZIP) {
            return b0 == 0x1f && b1 == 0x8b && p[2] == 8;
        }
        return b0 == 0x78 && (b1 == 0x01 || b1 == 0x5e || b1 == 0x9c || b1 == 0xda) && (b0 << 8 | b1) % 31 == 0;
    }

    @Override
    public OpenedPayload open(byte[] payload, Limits limits) {
        int budget = limits.inflateBudget();
        byte[] inflated;
        boolean whole;
        try (InputStream in = this == GZIP ? new GZIPInputStream(new ByteArrayInputStream(payload), 8192)
                : new InflaterInputStream(new ByteArrayInputStream(payload), new Inflater(), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(budget, Math.max(64, payload.length * 4)));
            byte[] buffer = new byte[8192];
            int n;
            while (out.size() <= budget && (n = in.read(buffer, 0, Math.min(buffer.length, budget + 1 - out.size()))) > 0) {
                out.write(buffer, 0, n);
            }
            whole = out.size() <= budget;
            inflated = out.toByteArray();
        } catch (IOException | RuntimeException e) {
            return broken(payload.length, name + " that does not inflate: " + e.getMessage());
        }
        if (!whole) {
            limits.inflated(budget);
            ObjectNode tree = JsonNodeFactory.instance.objectNode();
            tree.put("compressedBytes", payload.length);
            tree.put("inflatesToMoreThan", budget);
            return new OpenedPayload(name, tree, List.of(Warning.of(Warning.Code.NOT_DECODED, "not opened: " + name + " of "
                    + Filters.bytes(payload.length) + " inflates to more than " + Filters.bytes(budget) + " (the limit; the frame is stored whole)")));
        }
        limits.inflated(inflated.length);
        OpenedPayload inner = limits.deeperAllowed() ? PayloadFormats.open(inflated, limits.inner(), true) : null;
        if (inner == null) {
            inner = OpenedPayload.of("binary", JsonNodeFactory.instance.binaryNode(inflated));
        }
        return inner.inside(name, List.of());
    }

    private OpenedPayload broken(int size, String why) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.put("compressedBytes", size);
        tree.put("error", why);
        return new OpenedPayload(name, tree, List.of(Warning.of(Warning.Code.MALFORMED, why)));
    }
}
