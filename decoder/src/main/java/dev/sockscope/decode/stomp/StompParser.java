package dev.sockscope.decode.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the STOMP frames in a run of bytes (STOMP 1.2 §"STOMP Frames": a command line, header lines, a blank line, a
 * body ended by NUL, or by {@code content-length} bytes and a NUL; line ends LF or CRLF), with the end-of-lines between
 * frames: heart-beats before the first frame, padding after one (Artemis sends a newline after every NUL). Never
 * throws: what breaks the grammar is a {@link Bad} item, bytes that stop before a frame ends an {@link Incomplete} one.
 */
final class StompParser {
    static final Set<String> CLIENT_COMMANDS = Set.of("CONNECT", "STOMP", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK",
            "BEGIN", "COMMIT", "ABORT", "DISCONNECT");
    static final Set<String> SERVER_COMMANDS = Set.of("CONNECTED", "MESSAGE", "RECEIPT", "ERROR");
    private static final int MAX_COMMAND = 16;

    /** What a stretch of the bytes is. */
    sealed interface Item permits Frame, HeartBeat, Incomplete, Bad {
    }

    record Frame(StompFrame frame) implements Item {
    }

    /** End-of-lines alone: heart-beats. */
    record HeartBeat(int count) implements Item {
    }

    /** A frame that has not ended when the bytes do, from {@code start}. */
    record Incomplete(int start, String command) implements Item {
    }

    /** Bytes from {@code start} that are not a STOMP frame. */
    record Bad(int start, String reason) implements Item {
    }

    private StompParser() {
    }

    static List<Item> parse(byte[] p, int from, int to) {
        List<Item> items = new ArrayList<>(2);
        int i = from;
        boolean framed = false;
        while (i < to) {
            int eols = 0;
            while (i < to && (p[i] == '\n' || (p[i] == '\r' && i + 1 < to && p[i + 1] == '\n'))) {
                i += p[i] == '\r' ? 2 : 1;
                eols++;
            }
            if (eols > 0 && !framed) {
                items.add(new HeartBeat(eols));
            }
            if (i >= to) {
                break;
            }
            Item item = frame(p, i, to);
            items.add(item);
            if (!(item instanceof Frame f)) {
                break;
            }
            framed = true;
            i = f.frame().end();
        }
        return items;
    }

    private static Item frame(byte[] p, int start, int to) {
        int eol = indexOf(p, (byte) '\n', start, Math.min(to, start + MAX_COMMAND + 2));
        String command;
        if (eol < 0) {
            command = ascii(p, start, Math.min(to, start + MAX_COMMAND));
            return to - start <= MAX_COMMAND && isCommandPrefix(command) ? new Incomplete(start, null) : new Bad(start, "not a STOMP command line");
        }
        command = ascii(p, start, lineEnd(p, start, eol));
        if (!CLIENT_COMMANDS.contains(command) && !SERVER_COMMANDS.contains(command)) {
            return new Bad(start, "“" + command + "” is not a STOMP command");
        }
        // CONNECT and CONNECTED headers are not escaped (STOMP 1.2, "Value Encoding").
        boolean escaped = !command.equals("CONNECT") && !command.equals("CONNECTED") && !command.equals("STOMP");
        List<StompFrame.Header> headers = new ArrayList<>();
        int line = eol + 1;
        while (true) {
            int next = indexOf(p, (byte) '\n', line, to);
            if (next < 0) {
                return new Incomplete(start, command);
            }
            int end = lineEnd(p, line, next);
            if (end == line) {
                line = next + 1;
                break;
            }
            int colon = indexOf(p, (byte) ':', line, end);
            if (colon < 0) {
                return new Bad(start, command + " has a header line with no colon");
            }
            String name = utf8(p, line, colon);
            String value = utf8(p, colon + 1, end);
            headers.add(new StompFrame.Header(escaped ? unescape(name) : name, escaped ? unescape(value) : value, colon + 1, end));
            line = next + 1;
        }
        int bodyStart = line;
        int nul;
        String length = null;
        for (StompFrame.Header h : headers) {
            if (h.name().equals("content-length")) {
                length = h.value();
                break;
            }
        }
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return new Bad(start, command + " has content-length “" + length + "”, not a number");
            }
            if (n < 0 || bodyStart + n >= to) {
                return n < 0 ? new Bad(start, command + " has a negative content-length") : new Incomplete(start, command);
            }
            nul = bodyStart + (int) n;
            if (p[nul] != 0) {
                return new Bad(start, command + " has no NUL after its content-length of " + n + " bytes");
            }
        } else {
            nul = indexOf(p, (byte) 0, bodyStart, to);
            if (nul < 0) {
                return new Incomplete(start, command);
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(p, bodyStart, nul);
        return new Frame(new StompFrame(command, headers, body, start, nul + 1));
    }

    private static boolean isCommandPrefix(String s) {
        for (String c : CLIENT_COMMANDS) {
            if (c.startsWith(s.strip())) {
                return true;
            }
        }
        for (String c : SERVER_COMMANDS) {
            if (c.startsWith(s.strip())) {
                return true;
            }
        }
        return false;
    }

    /** The end of a line's content: before a CR that precedes the LF at {@code eol}. */
    private static int lineEnd(byte[] p, int start, int eol) {
        return eol > start && p[eol - 1] == '\r' ? eol - 1 : eol;
    }

    static int indexOf(byte[] p, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (p[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] p, int from, int to) {
        return new String(p, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String utf8(byte[] p, int from, int to) {
        return new String(p, from, to - from, StandardCharsets.UTF_8);
    }

    /** STOMP 1.2 header escapes: {@code \r \n \c \\}; an unknown escape is kept as it is. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 'c' -> out.append(':');
                    case '\\' -> out.append('\\');
                    default -> out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
