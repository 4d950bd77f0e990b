package dev.sockscope.recordings;

import java.util.List;

/** Sessions newest first; {@code next} is the {@code beforeId} of the following page, null on the last one. */
public record SessionPage(List<SessionRecord> sessions, Long next) {
}
