package dev.sockscope.recordings;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import com.google.re2j.Pattern;

import dev.sockscope.decode.Kind;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Which frames of a session to keep; the one filter of the command line ({@code frames --label …}) and the HTTP API.
 * Every criterion is optional (null or empty: any) and they combine. Criteria on what the index holds are checked
 * on {@link FrameSummary}s first, so the payload is looked at only for text and regex searches.
 *
 * @param label        the label contains this text, any case
 * @param text         the payload (as text) or the decoded summary contains this text, any case (ASCII case for ASCII text)
 * @param regex        the payload (as text) or the decoded summary has a match (RE2/J: linear time, see {@link SearchRegex})
 * @param warningsOnly only frames with a note, a decoder warning, or a request the session ended without answering
 * @param sinceMicros  from this time on (µs since the epoch, inclusive)
 * @param untilMicros  up to this time (inclusive)
 * @param rule         only frames this rule did something to (their provenance names it: {@code rule NAME})
 */
public record FrameFilter(Direction from, Set<FrameType> types, String protocol, String label, Set<Kind> kinds,
                          String text, Pattern regex, boolean warningsOnly, Long sinceMicros, Long untilMicros, String rule) {
    public static final FrameFilter ALL = new FrameFilter(null, Set.of(), null, null, Set.of(), null, null, false, null, null);

    /** Without the rule criterion. */
    public FrameFilter(Direction from, Set<FrameType> types, String protocol, String label, Set<Kind> kinds,
                       String text, Pattern regex, boolean warningsOnly, Long sinceMicros, Long untilMicros) {
        this(from, types, protocol, label, kinds, text, regex, warningsOnly, sinceMicros, untilMicros, null);
    }

    /** The same filter, only for frames {@code ruleName} touched (null: any). */
    public FrameFilter withRule(String ruleName) {
        return new FrameFilter(from, types, protocol, label, kinds, text, regex, warningsOnly, sinceMicros, untilMicros, ruleName);
    }

    public FrameFilter {
        types = types == null ? Set.of() : Set.copyOf(types);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        label = blankToNull(label) == null ? null : label.toLowerCase(Locale.ROOT);
        protocol = blankToNull(protocol);
        text = blankToNull(text) == null ? null : text.toLowerCase(Locale.ROOT);
        rule = blankToNull(rule);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** True when every frame matches: pages are then found by seq alone. */
    public boolean isAll() {
        return equals(ALL) || (from == null && types.isEmpty() && protocol == null && label == null && kinds.isEmpty()
                && text == null && regex == null && !warningsOnly && sinceMicros == null && untilMicros == null && rule == null);
    }

    /** Whether the payload must be read to decide (a text or regex search). */
    public boolean needsContent() {
        return text != null || regex != null;
    }

    /** Could a block holding frames from {@code firstMicros} to {@code lastMicros} have a match? */
    public boolean mayMatchTimes(long firstMicros, long lastMicros) {
        return (sinceMicros == null || lastMicros >= sinceMicros) && (untilMicros == null || firstMicros <= untilMicros);
    }

    /** Everything but the content search; {@code unanswered}: the session ended with this request unanswered. */
    public boolean matches(FrameSummary s, boolean unanswered) {
        if (from != null && s.from() != from) {
            return false;
        }
        if (!types.isEmpty() && !types.contains(s.type())) {
            return false;
        }
        if (protocol != null && !protocol.equalsIgnoreCase(s.protocol())) {
            return false;
        }
        if (label != null && (s.label() == null || !s.label().toLowerCase(Locale.ROOT).contains(label))) {
            return false;
        }
        if (!kinds.isEmpty() && (s.kind() == null || !kinds.contains(s.kind()))) {
            return false;
        }
        if (warningsOnly && !s.warned() && !unanswered) {
            return false;
        }
        return (sinceMicros == null || s.timeMicros() >= sinceMicros) && (untilMicros == null || s.timeMicros() <= untilMicros);
    }

    /** The whole filter on a stored frame. */
    public boolean matches(StoredFrame f, boolean unanswered) {
        return matches(FrameSummary.of(f), unanswered) && matchesContent(f);
    }

    /**
     * False when a block's encoded bytes cannot hold a text match: an ASCII needle appears, in some case, in the bytes
     * of any payload or summary that contains it. Lets a search that matches nothing skip decoding the session.
     */
    public boolean mayMatchBytes(byte[] block) {
        return text == null || !isAscii(text) || bytesContain(block, text);
    }

    /** Whether {@code block} holds the lower-case ASCII {@code needle} in some ASCII case. */
    static boolean bytesContain(byte[] block, String needleText) {
        byte[] needle = needleText.getBytes(StandardCharsets.US_ASCII);
        byte first = needle[0];
        byte firstUpper = (byte) Character.toUpperCase(first);
        outer:
        for (int i = 0, end = block.length - needle.length; i <= end; i++) {
            byte b = block[i];
            if (b != first && b != firstUpper) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                byte c = block[i + j];
                if (c != needle[j] && (c < 'A' || c > 'Z' || c + 32 != needle[j])) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The rule criterion, then the text and regex searches, over the payload as text and the decoded summary. */
    public boolean matchesContent(StoredFrame f) {
        RecordedFrame frame = f.frame();
        if (rule != null && !touchedBy(frame, rule)) {
            return false;
        }
        if (!needsContent()) {
            return true;
        }
        String body = frame.type() == FrameType.BINARY ? "" : new String(frame.payload(), StandardCharsets.UTF_8);
        String summary = f.decoding() == null ? "" : f.decoding().summary();
        if (text != null && !containsIgnoreCase(body, text) && !containsIgnoreCase(summary, text)) {
            return false;
        }
        return regex == null || regex.matcher(body).find() || regex.matcher(summary).find();
    }

    /** Whether the frame's provenance names {@code rule} among who asked ({@code rule a, rule b}). */
    static boolean touchedBy(RecordedFrame frame, String rule) {
        String by = frame.provenance() == null ? null : frame.provenance().by();
        if (by == null) {
            return false;
        }
        for (String source : by.split(", ")) {
            if (source.equals("rule " + rule)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Any case: an ASCII text in any ASCII case (what the block signatures and byte checks assume: the Kelvin sign or a
     * dotted capital I does not match k or i), any other text under Unicode case folding.
     */
    private static boolean containsIgnoreCase(String haystack, String lowerNeedle) {
        int n = lowerNeedle.length();
        boolean ascii = isAscii(lowerNeedle);
        for (int i = 0, end = haystack.length() - n; i <= end; i++) {
            if (ascii ? asciiRegionMatches(haystack, i, lowerNeedle) : haystack.regionMatches(true, i, lowerNeedle, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean asciiRegionMatches(String haystack, int at, String lowerNeedle) {
        for (int j = 0; j < lowerNeedle.length(); j++) {
            char c = haystack.charAt(at + j);
            if (c != lowerNeedle.charAt(j) && !(c >= 'A' && c <= 'Z' && c + 32 == lowerNeedle.charAt(j))) {
                return false;
            }
        }
        return true;
    }
}
