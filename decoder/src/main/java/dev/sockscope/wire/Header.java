package dev.sockscope.wire;

import java.util.Objects;

/** One HTTP header line of a handshake, in the order and spelling it crossed the wire. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
