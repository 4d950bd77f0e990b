package dev.sockscope.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Masking reads each byte a bounded number of times (issue 20: 10 MiB of random alphanumerics took 5 s per frame in
 * a backtracking regular expression, and froze the relay behind it), and finds exactly what the expression found.
 */
class LinearMaskingTest {
    /** The expression the scanner replaces, kept here as its specification. */
    private static final Pattern JWT_REGEX = Pattern.compile("eyJ[A-Za-z0-9_-]{2,}\\.eyJ[A-Za-z0-9_-]{2,}\\.([A-Za-z0-9_-]{16,})");

    @Test
    void theScannerFindsTheSameJwtsAsTheRegularExpressionItReplaces() {
        Random random = new Random(22);
        // A small alphabet makes near-misses common: eyJ inside runs, dots in odd places, short parts and signatures.
        String[] pieces = {"eyJ", "e", "y", "J", "a", "Z9", "_", "-", ".", " ", "\"", "abcdefghijklmnop"};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = text.toString();
            assertThat(scanned(s)).as("JWTs in %s", s).isEqualTo(regex(s));
        }
    }

    @Test
    void tenMebibytesOfRandomAlphanumericsAreMaskedInLinearTime() {
        byte[] payload = alphanumerics(10 << 20, new Random(20));
        String token = "c2VjcmV0LXRva2VuLW9mLXRoZS1zZXNzaW9u";
        System.arraycopy(token.getBytes(StandardCharsets.US_ASCII), 0, payload, 5 << 20, token.length());
        long start = System.nanoTime();
        byte[] masked = SecretMaskerTest.MASKER.maskBytes(payload, Set.of(token));
        long millis = (System.nanoTime() - start) / 1_000_000;
        String stored = new String(masked, StandardCharsets.UTF_8);
        assertThat(stored.contains(token)).as("the token is still there").isFalse();
        assertThat(stored.indexOf(SecretMaskerTest.MASKER.mask(token))).as("where the masked token is").isEqualTo(5 << 20);
        // The backtracking expression took about 5 s on this input; one pass takes tens of milliseconds. The bound
        // leaves room for a loaded machine and still fails a quadratic scan.
        assertThat(millis).as("milliseconds to mask 10 MiB").isLessThan(2_000);
    }

    @Test
    void aPayloadCutInTheMiddleOfATokenDoesNotKeepTheTokensStart() {
        String token = "c2VjcmV0LXRva2VuLW9mLXRoZS1zZXNzaW9u";
        byte[] cut = ("{\"auth\":\"x\",\"again\":\"" + token.substring(0, 12)).getBytes(StandardCharsets.UTF_8);
        byte[] masked = SecretMaskerTest.MASKER.maskBytes(cut, Set.of(token), true);
        assertThat(new String(masked, StandardCharsets.UTF_8)).isEqualTo("{\"auth\":\"x\",\"again\":\"" + SecretMaskerTest.MASKER.mask(token));
        assertThat(SecretMaskerTest.MASKER.maskBytes(cut, Set.of(token), false)).as("a whole payload's end is left alone").isNull();
    }

    private static byte[] alphanumerics(int size, Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return out;
    }

    private static List<String> scanned(String s) {
        List<String> found = new ArrayList<>();
        for (int[] jwt = JwtScanner.next(s, 0); jwt != null; jwt = JwtScanner.next(s, jwt[2])) {
            found.add(jwt[0] + ":" + s.substring(jwt[1], jwt[2]));
        }
        return found;
    }

    private static List<String> regex(String s) {
        List<String> found = new ArrayList<>();
        Matcher m = JWT_REGEX.matcher(s);
        while (m.find()) {
            found.add(m.start() + ":" + m.group(1));
        }
        return found;
    }
}
