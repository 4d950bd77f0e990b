package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RegexLiteralsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "order #\\d+ shipped;order # && ' shipped'",
            "\"opcode\":\\s*19\\b;\"opcode\":",
            "Event\\.Send[A-Z]\\w+;event.send",
            "needle-7f3a;needle-7f3a",
            "colou?r names;colo && r names",
            "abc+def;abc && def",
            "abcx*def;abc && def",
            "ab{2}cdef;cdef",
            "prefix(inside group)suffix;prefix && suffix",
            "foo|barbaz;-",
            "(?i)hello world;-",
            "\\Qa.b.c\\E;-",
            "^start.*end$;start && end",
            "[abc]xyz[^def]uvw;xyz && uvw",
            "ab;-",
            "привет мир;-",
            "x\\.json\\.gz;x.json.gz",
            "tab\\there;tab && here",
            "\\x22opcode\\x22;opcode",
            "\\x41bcd;bcd",
            "\\x{1F600}smile;smile",
            "\\0123abc;abc",
            "\\123abc;abc",
            "(?P<n>ab)xyz;-",
            "\\pLfoo;foo",
            "\\p{Lu}foo;foo",
            "\\bword\\b;word",
    })
    void requiredRuns(String regex, String expected) {
        List<String> want = expected == null ? List.of() : java.util.Arrays.stream(expected.split(" && ")).map(e -> e.replace("'", "")).toList();
        assertThat(RegexLiterals.required(Pattern.compile(regex))).isEqualTo(want);
    }

    @Test
    void flagsThatChangeWhatCharactersMeanGiveNothing() {
        // RE2 folds case the Unicode way: (?i)key also matches "\u212Aey" (Kelvin sign), which holds no ASCII "key".
        assertThat(RegexLiterals.required(Pattern.compile("Hello", Pattern.CASE_INSENSITIVE))).isEmpty();
        assertThat(Pattern.compile("(?i)key").matcher("\u212Aey").find()).isTrue();
        assertThat(RegexLiterals.required(Pattern.compile("(?i)key"))).isEmpty();
        assertThat(RegexLiterals.required(Pattern.compile("(?s)hello.world"))).isEmpty();
    }

    /** Whatever a pattern matches holds every run it names: checked on random text where the patterns often match. */
    @Test
    void everyMatchHoldsTheRequiredRuns() {
        List<String> patterns = List.of("ab+c?d", "xa*bcd+", "c[ab]cab", "ab\\.?cd", "dd(ab)?cabd", "a{1,3}bcab", "^abc", "bca$",
                "cab\\b", "a.cab", "ABC", "(?i)abc", "abc+abc", "\\x61bcd", "\\141bca", "\\0141bca", "\\p{L}bcab", "\\x{61}bc.",
                "((a+)+)+bcd", "[[:alpha:]]bcab", "\\Qab.\\Ecd");
        Random random = new Random(3);
        int matched = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                text.append("abcdabcd.A".charAt(random.nextInt(10)));
            }
            for (String p : patterns) {
                Pattern pattern = Pattern.compile(p);
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    matched++;
                    String lower = text.toString().toLowerCase(Locale.ROOT);
                    for (String run : RegexLiterals.required(pattern)) {
                        assertThat(lower).as("'%s' matched '%s'", p, text).contains(run);
                    }
                }
            }
        }
        assertThat(matched).as("matches seen").isGreaterThan(10_000);
    }
}
