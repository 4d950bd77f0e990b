package dev.sockscope.recordings;

import java.util.List;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regular expression of a frame search, compiled by RE2/J: matching takes time linear in the text, whatever the
 * pattern, so that no search (which any web page can ask the loopback inspector for) can hold a thread for long.
 * RE2 syntax is Java's and Perl's without the constructs that need backtracking; those are refused with a message
 * that names them, rather than RE2's own.
 */
public final class SearchRegex {
    /** Constructs of Java's regular expressions that RE2 does not have, and what to say about each. */
    private record Unsupported(java.util.regex.Pattern finds, String name) {
    }

    private static final List<Unsupported> UNSUPPORTED = List.of(
            new Unsupported(java.util.regex.Pattern.compile("\\(\\?<?[=!]"), "lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...))"),
            new Unsupported(java.util.regex.Pattern.compile("\\(\\?>"), "atomic groups ((?>...))"),
            new Unsupported(java.util.regex.Pattern.compile("\\\\[1-9]|\\\\k<"), "back references (\\1, \\k<name>)"),
            new Unsupported(java.util.regex.Pattern.compile("[*+?}]\\+"), "possessive quantifiers (*+, ++, ?+)"));

    private SearchRegex() {
    }

    /** The pattern, or IllegalArgumentException with a message for people: which construct is not supported, or where the syntax is wrong. */
    public static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            String unescaped = regex.replace("\\\\", "");
            for (Unsupported u : UNSUPPORTED) {
                if (u.finds().matcher(unescaped).find()) {
                    throw new IllegalArgumentException("searches use RE2 syntax, which has no " + u.name()
                            + ": matching stays linear in the text, whatever the pattern", e);
                }
            }
            throw new IllegalArgumentException("not a regular expression (RE2 syntax): " + e.getMessage(), e);
        }
    }
}
