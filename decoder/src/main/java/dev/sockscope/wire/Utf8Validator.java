package dev.sockscope.wire;

import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 validation across the fragments of one text message (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF). Reuse it by calling {@link #reset()} between messages.
 */
public final class Utf8Validator {
    private int needed;      // continuation bytes still expected
    private int lower = 0x80; // bounds of the next continuation byte (narrowed after E0, ED, F0, F4)
    private int upper = 0xBF;
    private boolean failed;

    /** Feeds bytes without consuming the buffer; returns false as soon as the input cannot be UTF-8. */
    public boolean update(ByteBuffer bytes) {
        for (int i = bytes.position(), end = bytes.limit(); i < end && !failed; i++) {
            step(bytes.get(i) & 0xFF);
        }
        return !failed;
    }

    public boolean update(byte[] bytes) {
        return update(bytes, 0, bytes.length);
    }

    public boolean update(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end && !failed; i++) {
            step(bytes[i] & 0xFF);
        }
        return !failed;
    }

    /** True when everything fed so far is valid and no character is cut off at the end. */
    public boolean isCompleteAndValid() {
        return !failed && needed == 0;
    }

    public void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
        failed = false;
    }

    private void step(int b) {
        if (needed == 0) {
            if (b <= 0x7F) {
                return;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                needed = 2;
                if (b == 0xE0) {
                    lower = 0xA0;
                } else if (b == 0xED) {
                    upper = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                needed = 3;
                if (b == 0xF0) {
                    lower = 0x90;
                } else if (b == 0xF4) {
                    upper = 0x8F;
                }
            } else {
                failed = true;
            }
            return;
        }
        if (b < lower || b > upper) {
            failed = true;
            return;
        }
        lower = 0x80;
        upper = 0xBF;
        needed--;
    }

    public static boolean isValid(byte[] bytes) {
        Utf8Validator v = new Utf8Validator();
        return v.update(bytes) && v.isCompleteAndValid();
    }
}
