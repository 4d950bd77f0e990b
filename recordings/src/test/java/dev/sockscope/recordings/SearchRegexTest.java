package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SearchRegexTest {
    @Test
    void aPatternThatBacktracksExponentiallyInJavaMatchesInLinearTime() {
        // java.util.regex spends minutes on this (issue 21: a search held a thread at 95 % CPU after its request timed out).
        String text = "a".repeat(200_000) + "!";
        boolean found = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SearchRegex.compile("((a+)+)+x").matcher(text).find());
        assertThat(found).isFalse();
        assertThat(SearchRegex.compile("((a+)+)+!").matcher(text).find()).isTrue();
    }

    @Test
    void constructsRe2DoesNotHaveAreRefusedByName() {
        assertThatThrownBy(() -> SearchRegex.compile("(?=token)\\w+")).hasMessageContaining("no lookahead and lookbehind");
        assertThatThrownBy(() -> SearchRegex.compile("(?<!a)b")).hasMessageContaining("no lookahead and lookbehind");
        assertThatThrownBy(() -> SearchRegex.compile("(\\w)\\1")).hasMessageContaining("no back references");
        assertThatThrownBy(() -> SearchRegex.compile("(?<q>\\w)\\k<q>")).hasMessageContaining("no back references");
        assertThatThrownBy(() -> SearchRegex.compile("a*+b")).hasMessageContaining("no possessive quantifiers");
        assertThatThrownBy(() -> SearchRegex.compile("(?>ab)c")).hasMessageContaining("no atomic groups");
        assertThatThrownBy(() -> SearchRegex.compile("(unclosed")).hasMessageStartingWith("not a regular expression (RE2 syntax): ")
                .hasMessageContaining("missing closing )");
        // An escaped backslash before a digit is not a back reference, and octal escapes are RE2's own.
        assertThat(SearchRegex.compile("\\\\1").matcher("\\1").find()).isTrue();
        assertThat(SearchRegex.compile("\\101").matcher("A").find()).isTrue();
    }
}
