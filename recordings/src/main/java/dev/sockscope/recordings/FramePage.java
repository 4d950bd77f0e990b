package dev.sockscope.recordings;

import java.util.List;

/**
 * A page of frames in ascending seq order. {@code next}: pass it as {@code after} for the following page, null when
 * no later frame matches. {@code prev}: pass it as {@code before} for the preceding page, null when the page starts
 * at the session's first match (on a forward page: when it started from the beginning).
 */
public record FramePage(List<StoredFrame> frames, Long next, Long prev) {
}
