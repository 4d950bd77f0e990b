package dev.sockscope.recordings;

/** Turns a failed read into what the user is told (a damaged H2 index says how to repair it). */
@FunctionalInterface
interface ReadFailure {
    RecordingException of(String what, Exception cause);
}
