package dev.sockscope.recordings;

/** What deleting a session did. */
public sealed interface DeleteOutcome {
    record Deleted(long sessionId) implements DeleteOutcome {
    }

    record NotFound(long sessionId) implements DeleteOutcome {
    }

    /** Refused, with the reason for people: the session is still being recorded, or this process only reads. */
    record Refused(String reason) implements DeleteOutcome {
    }
}
