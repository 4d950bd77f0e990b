package dev.sockscope.wire;

/**
 * How a session ended.
 *
 * @param endedAtMicros wall-clock time, microseconds since the epoch
 * @param closeCode     the first close code exchanged (or the one the proxy sent), null if none
 * @param closeReason   its reason, null if none
 * @param closedBy      who started the close
 * @param error         a plain-language account of a fault (upstream down, peer vanished, limit), or null
 */
public record SessionEnd(long endedAtMicros, Integer closeCode, String closeReason, ClosedBy closedBy, String error) {
}
