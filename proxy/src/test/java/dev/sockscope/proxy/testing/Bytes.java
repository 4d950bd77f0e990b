package dev.sockscope.proxy.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short, comparable descriptions of byte arrays too large to print. */
public final class Bytes {
    private Bytes() {
    }

    /** Length and a SHA-256 prefix: equal summaries mean equal bytes (for any test's purposes). */
    public static String summary(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return bytes.length + " B sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
