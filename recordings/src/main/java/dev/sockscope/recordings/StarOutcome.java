package dev.sockscope.recordings;

/** What starring or unstarring a session did. */
public sealed interface StarOutcome {
    /** The session is now starred or not, as asked. */
    record Done(long sessionId, boolean starred) implements StarOutcome {
    }

    record NotFound(long sessionId) implements StarOutcome {
    }

    /** Refused, with the reason for people: this process only reads the store. */
    record Refused(String reason) implements StarOutcome {
    }
}
