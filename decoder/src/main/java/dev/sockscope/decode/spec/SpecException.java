package dev.sockscope.decode.spec;

/** A decoder spec that cannot be used; the message names the file, the line and the problem. */
public final class SpecException extends Exception {
    public SpecException(String message) {
        super(message);
    }
}
