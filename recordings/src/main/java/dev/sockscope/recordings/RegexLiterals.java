package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import com.google.re2j.Pattern;

/**
 * The plain ASCII runs that every match of a regular expression (RE2 syntax, {@link SearchRegex}) must contain,
 * lower-cased, so that a regex search can skip blocks by their text signatures (as a trigram index does for regexes).
 * Conservative: a pattern with an alternation, inline flags, a case-insensitive flag (RE2 folds case the Unicode way,
 * so {@code k} also matches the Kelvin sign) or a quoted section gives nothing; runs inside groups, classes and
 * optional or repeated atoms are left out; only runs of three characters or more are kept. An empty list means
 * "cannot tell", never "cannot match".
 */
final class RegexLiterals {
    private static final String META = "\\^$.|?*+()[]{}";

    private RegexLiterals() {
    }

    static List<String> required(Pattern pattern) {
        int flags = pattern.flags();
        String p = pattern.pattern();
        List<String> runs = new ArrayList<>();
        if ((flags & Pattern.CASE_INSENSITIVE) != 0) {
            return runs; // Unicode case folding lets non-ASCII letters match ASCII ones (K, the Kelvin sign)
        }
        if (p.contains("|") || p.contains("\\Q") || p.contains("(?")) {
            return runs; // inline flags such as (?i) or (?s) change what the characters mean: not worth the risk
        }
        StringBuilder run = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            char next = i + 1 < p.length() ? p.charAt(i + 1) : 0;
            if (c == '\\') {
                if (next == 0 || Character.isLetterOrDigit(next) || next >= 0x80) {
                    // a class (\d, \w), a back reference or an escape such as \n, \x41: not a plain character
                    i = endOfEscape(p, i + 1);
                    keep(runs, run);
                    continue;
                }
                c = next; // an escaped punctuation character stands for itself
                i++;
                next = i + 1 < p.length() ? p.charAt(i + 1) : 0;
            } else if (c == '[') {
                i = endOfClass(p, i);
                keep(runs, run);
                continue;
            } else if (c == '{') {
                int close = p.indexOf('}', i);
                i = close < 0 ? p.length() - 1 : close; // a repetition count: its digits are not text
                keep(runs, run);
                continue;
            } else if (META.indexOf(c) >= 0) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                keep(runs, run);
                continue;
            }
            if (depth > 0 || c >= 0x80) {
                keep(runs, run);
                continue;
            }
            if (next == '?' || next == '*' || next == '{') {
                keep(runs, run); // this character may be absent
            } else if (next == '+') {
                run.append(c);
                keep(runs, run); // present, but what follows is not right after it
            } else {
                run.append(c);
            }
        }
        keep(runs, run);
        return runs;
    }

    private static void keep(List<String> runs, StringBuilder run) {
        if (run.length() >= 3 && FrameFilter.isAscii(run.toString())) {
            runs.add(run.toString().toLowerCase(Locale.ROOT));
        }
        run.setLength(0);
    }

    /**
     * The index of the last character of the escape whose letter or digit is at {@code at}: {@code \x41}, {@code \x{1F600}},
     * {@code \u00e9}, {@code \012}, {@code \cM}, {@code \pL}, {@code \p{Lu}}, {@code \N{NAME}}, {@code \k<name>}, {@code \12}.
     */
    private static int endOfEscape(String p, int at) {
        if (at >= p.length()) {
            return p.length() - 1;
        }
        char e = p.charAt(at);
        int end = p.length() - 1;
        switch (e) {
            case 'x':
                return at + 1 <= end && p.charAt(at + 1) == '{' ? closing(p, at + 1, '}') : Math.min(end, at + 2);
            case 'u':
                return Math.min(end, at + 4);
            case '0': {
                int i = at;
                while (i + 1 <= end && i - at < 3 && p.charAt(i + 1) >= '0' && p.charAt(i + 1) <= '7') {
                    i++;
                }
                return i;
            }
            case 'c':
                return Math.min(end, at + 1);
            case 'p', 'P', 'N':
                return at + 1 <= end && p.charAt(at + 1) == '{' ? closing(p, at + 1, '}') : Math.min(end, at + 1);
            case 'k':
                return at + 1 <= end && p.charAt(at + 1) == '<' ? closing(p, at + 1, '>') : at;
            default:
                if (e >= '1' && e <= '9') {
                    int i = at;
                    while (i + 1 <= end && Character.isDigit(p.charAt(i + 1))) {
                        i++; // a back reference takes every digit that follows
                    }
                    return i;
                }
                return at;
        }
    }

    private static int closing(String p, int open, char close) {
        int i = p.indexOf(close, open);
        return i < 0 ? p.length() - 1 : i;
    }

    /** The index of the {@code ]} that closes the class opened at {@code open} (or the end). */
    private static int endOfClass(String p, int open) {
        int i = open + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++; // a leading ] is a member
        }
        int nested = 0;
        for (; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                nested++;
            } else if (c == ']') {
                if (nested == 0) {
                    return i;
                }
                nested--;
            }
        }
        return p.length() - 1;
    }
}
