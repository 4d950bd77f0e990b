package dev.sockscope.proxy.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The picture maim's simulator sends: a real PNG (a 240×135 colour gradient with a grid, so that a viewer shows
 * something), padded to an exact size with a private ancillary chunk of noise that decoders skip. Large and
 * incompressible as a real screenshot is, small to build.
 */
final class DemoImage {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int WIDTH = 240;
    private static final int HEIGHT = 135;
    /** Chunk overhead: length, type, CRC. */
    private static final int CHUNK = 12;

    private DemoImage() {
    }

    /** A PNG of exactly {@code size} bytes. */
    static byte[] png(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(SIGNATURE);
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(WIDTH).putInt(HEIGHT).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", deflate(pixels()));
        int padding = size - out.size() - 2 * CHUNK;
        if (padding < 0) {
            throw new IllegalArgumentException("a demo PNG needs at least " + (size - padding) + " bytes");
        }
        byte[] noise = new byte[padding];
        new Random(42).nextBytes(noise);
        chunk(out, "spAd", noise); // ancillary, private: ignored by every decoder
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Scanlines, each a filter byte (0, none) then RGB: a diagonal gradient with a grid every 15 pixels. */
    private static byte[] pixels() {
        byte[] raw = new byte[HEIGHT * (1 + WIDTH * 3)];
        int i = 0;
        for (int y = 0; y < HEIGHT; y++) {
            raw[i++] = 0;
            for (int x = 0; x < WIDTH; x++) {
                boolean grid = x % 15 == 0 || y % 15 == 0;
                raw[i++] = (byte) (grid ? 255 : 40 + x * 200 / WIDTH);
                raw[i++] = (byte) (grid ? 255 : 60 + y * 160 / HEIGHT);
                raw[i++] = (byte) (grid ? 255 : 220 - x * 120 / WIDTH);
            }
        }
        return raw;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
