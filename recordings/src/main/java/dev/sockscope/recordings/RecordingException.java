package dev.sockscope.recordings;

/** The recording database could not be opened, read or written; the message says which and why. */
public class RecordingException extends Exception {
    public RecordingException(String message, Throwable cause) {
        super(message, cause);
    }
}
