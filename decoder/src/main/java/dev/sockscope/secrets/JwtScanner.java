package dev.sockscope.secrets;

/**
 * Finds JWTs in text in one pass: {@code eyJ<run>.eyJ<run>.<signature>}, where a run is base64url ({@code
 * [A-Za-z0-9_-]}), the first two at least 2 characters long and the signature at least 16; the same matches, leftmost
 * first, as the regular expression {@code eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.([A-Za-z0-9_-]{16,})}.
 *
 * <p>That expression, run by {@link java.util.regex.Pattern}, reads the whole base64url run that follows every
 * {@code eyJ} and backs off through it: in 10 MiB of random alphanumerics (a base64 image) about 40 {@code eyJ}s each
 * cost a scan of the rest of the frame, 5 s per frame. Here a failed attempt resumes where its first run ended:
 * every {@code eyJ} inside that run has the same run end, so it would fail the same way, and each character is
 * looked at a bounded number of times.
 */
final class JwtScanner {
    private static final String START = "eyJ";
    private static final int MIN_PART = 2;
    private static final int MIN_SIGNATURE = 16;

    private JwtScanner() {
    }

    /**
     * The next JWT at or after {@code from}: its start in {@code [0]}, its signature's start in {@code [1]} and end in
     * {@code [2]}; null when there is none. {@code text} may be Latin-1 (one char per byte) or any Java string: every
     * character of a JWT is ASCII.
     */
    static int[] next(String text, int from) {
        int at = from;
        int length = text.length();
        int dot = -1;
        while (at <= length - START.length()) {
            int start = text.indexOf(START, at);
            if (start < 0) {
                return null;
            }
            if (dot < start) {
                // The first run must end at a dot. String.indexOf is vectorised, and a text without one further on
                // (random alphanumerics) holds no JWT further on. Kept across attempts, so each part is searched once.
                dot = text.indexOf('.', start);
                if (dot < 0) {
                    return null;
                }
            }
            int firstEnd = run(text, start + START.length(), dot);
            int[] found = rest(text, start, firstEnd);
            if (found != null) {
                return found;
            }
            // Any eyJ before firstEnd lies in the same run and ends where this one did: it fails the same way.
            at = Math.max(firstEnd, start + 1);
        }
        return null;
    }

    /** The JWT starting at {@code start} whose first run ends at {@code firstEnd}, or null. */
    private static int[] rest(String text, int start, int firstEnd) {
        if (firstEnd - (start + START.length()) < MIN_PART || !at(text, firstEnd, '.') || !text.startsWith(START, firstEnd + 1)) {
            return null;
        }
        int secondStart = firstEnd + 1 + START.length();
        int secondEnd = run(text, secondStart, text.length());
        if (secondEnd - secondStart < MIN_PART || !at(text, secondEnd, '.')) {
            return null;
        }
        int signature = secondEnd + 1;
        int end = run(text, signature, text.length());
        return end - signature >= MIN_SIGNATURE ? new int[] {start, signature, end} : null;
    }

    private static boolean at(String text, int i, char c) {
        return i < text.length() && text.charAt(i) == c;
    }

    /** The end of the base64url run that starts at {@code i}, at most {@code limit}. */
    private static int run(String text, int i, int limit) {
        while (i < limit && isBase64Url(text.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isBase64Url(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
