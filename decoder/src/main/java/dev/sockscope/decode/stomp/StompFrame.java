package dev.sockscope.decode.stomp;

import java.util.List;

/**
 * One STOMP frame: the command, the headers in order (values unescaped; a repeated header's first value counts, as
 * STOMP 1.2 says), the body, and where it lies in the bytes it was read from.
 */
record StompFrame(String command, List<Header> headers, byte[] body, int start, int end) {

    /** A header, and where its value is in the bytes read ({@code [valueStart, valueEnd)}, escaped as sent). */
    record Header(String name, String value, int valueStart, int valueEnd) {
    }

    StompFrame {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, or null. */
    String header(String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return h.value();
            }
        }
        return null;
    }
}
