package dev.sockscope.ui.exchange;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * Reads the WebSocket entries of a HAR file (Chrome DevTools' {@code _resourceType: "websocket"} and
 * {@code _webSocketMessages}, or Sockscope's own export, whose control frames are in {@code _sockscope.controlFrames}
 * and go back between the data messages by their seq) as the capture events a live session would have produced:
 * the caller runs them through the decoding stage, so an imported session is decoded and masked exactly like a live
 * one. Other entries (page loads, XHR) are skipped and counted.
 */
public final class HarImport {
    /**
     * What a file held: each WebSocket entry as the events of one session, how many other entries it skipped, and what
     * the import changed to make the file's sessions listable (one line each).
     */
    public record Sessions(List<List<CaptureEvent>> sessions, int skipped, List<String> notices) {
    }

    /**
     * The highest frame number kept from a file. Sockscope numbers a session's frames from 1 in the order they crossed
     * the proxy; a file's numbers outside 1 to this, repeated or going backwards, are replaced (see {@link #renumbered}).
     */
    static final long MAX_SEQ = 1L << 40;

    /** The file is not HAR, or a WebSocket entry in it cannot be read. */
    public static final class NotHar extends Exception {
        NotHar(String message) {
            super(message);
        }
    }

    private HarImport() {
    }

    /** @param source where the file came from, kept as each session's listen address ({@code har:NAME}) */
    public static Sessions read(JsonNode root, String source, LongSupplier ids) throws NotHar {
        JsonNode entries = root.path("log").path("entries");
        if (!entries.isArray()) {
            throw new NotHar("no log.entries array: not a HAR file");
        }
        List<List<CaptureEvent>> sessions = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            if (!isWebSocket(e)) {
                skipped++;
                continue;
            }
            List<CaptureEvent> session;
            try {
                session = session(e, source, ids.getAsLong());
            } catch (RuntimeException bad) {
                throw new NotHar("entry " + (i + 1) + " (" + e.path("request").path("url").asText("no url") + "): " + bad.getMessage());
            }
            List<CaptureEvent> numbered = renumbered(session);
            if (numbered != session) {
                notices.add("entry " + (i + 1) + ": its frames' _sockscope.seq numbers were repeated, out of order or out of"
                        + " range, so its frames are numbered 1 to " + (numbered.size() - 2) + " in the file's order (each renumbered"
                        + " frame's note says what the file said)");
            }
            sessions.add(numbered);
        }
        return new Sessions(sessions, skipped, notices);
    }

    /**
     * The session as it is, when its frames' numbers rise strictly within 1 to {@link #MAX_SEQ} (a file's own numbers
     * are kept, gaps and all); otherwise the same events with the frames numbered 1, 2, 3... in the file's order, each
     * frame whose number changed saying so in its note. A store lists frames by number: numbers repeated or going
     * backwards would hide frames.
     */
    static List<CaptureEvent> renumbered(List<CaptureEvent> session) {
        long previous = 0;
        boolean valid = true;
        for (CaptureEvent e : session) {
            if (e instanceof CaptureEvent.FrameCaptured f) {
                long seq = f.frame().seq();
                valid &= seq > previous && seq <= MAX_SEQ;
                previous = seq;
            }
        }
        if (valid) {
            return session;
        }
        List<CaptureEvent> out = new ArrayList<>(session.size());
        long next = 0;
        for (CaptureEvent e : session) {
            if (e instanceof CaptureEvent.FrameCaptured f) {
                RecordedFrame frame = f.frame();
                long seq = ++next;
                if (frame.seq() != seq) {
                    String note = "imported as frame " + seq + ": the file numbered it " + frame.seq();
                    frame = frame.withSeq(seq).withNote(frame.note() == null ? note : frame.note() + "; " + note);
                }
                out.add(new CaptureEvent.FrameCaptured(frame));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private static boolean isWebSocket(JsonNode e) {
        if ("websocket".equals(e.path("_resourceType").asText()) || e.has("_webSocketMessages")) {
            return true;
        }
        String url = e.path("request").path("url").asText("").toLowerCase(Locale.ROOT);
        return e.path("response").path("status").asInt() == 101 && (url.startsWith("ws://") || url.startsWith("wss://"));
    }

    private static List<CaptureEvent> session(JsonNode e, String source, long id) {
        JsonNode ours = e.path("_sockscope");
        URI url = URI.create(e.path("request").path("url").asText());
        if (url.getScheme() == null || url.getRawAuthority() == null) {
            throw new IllegalArgumentException("request.url is not an absolute URL");
        }
        List<Header> request = headers(e.path("request").path("headers"));
        List<Header> response = headers(e.path("response").path("headers"));
        String subprotocol = header(response, "Sec-WebSocket-Protocol");
        String extensions = header(response, "Sec-WebSocket-Extensions");
        int status = e.path("response").path("status").asInt(101);
        Handshake h = new Handshake(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath(), url.getRawQuery(),
                request, status, response, subprotocol,
                extensions == null ? List.of() : List.of(extensions.split("\\s*,\\s*")));
        long started = ours.has("startedAtMicros") ? ours.get("startedAtMicros").asLong() : micros(e.path("startedDateTime").asText());
        String upstream = ours.has("upstream") ? ours.get("upstream").asText() : url.getScheme() + "://" + url.getRawAuthority();
        SessionInfo info = new SessionInfo(id, ours.has("listen") ? ours.get("listen").asText() : "har:" + source, upstream,
                ours.path("clientAddress").asText(""), h, started);

        List<CaptureEvent> events = new ArrayList<>();
        events.add(new CaptureEvent.SessionOpened(info));
        long seq = 0;
        List<RecordedFrame> frames = new ArrayList<>();
        for (JsonNode m : e.path("_webSocketMessages")) {
            frames.add(frame(id, ++seq, m));
        }
        for (JsonNode m : ours.path("controlFrames")) {
            frames.add(frame(id, ++seq, m));
        }
        if (rising(frames.subList(0, e.path("_webSocketMessages").size()))) {
            // Control frames go back between the data messages by their seq (stable: a file without seqs keeps its
            // order). Data messages numbered in no usable order stay in the file's order, renumbered below.
            frames.sort(java.util.Comparator.comparingLong(RecordedFrame::seq));
        }
        long last = started;
        Direction firstCloser = null;
        Integer closeCode = null;
        String closeReason = null;
        for (RecordedFrame f : frames) {
            last = Math.max(last, f.timeMicros());
            if (f.type() == FrameType.CLOSE && firstCloser == null) {
                firstCloser = f.from();
                closeCode = f.closeCode();
                closeReason = f.closeReason();
            }
            events.add(new CaptureEvent.FrameCaptured(f));
        }
        SessionEnd end = ours.has("endedAtMicros")
                ? new SessionEnd(ours.get("endedAtMicros").asLong(), ours.has("closeCode") ? ours.get("closeCode").asInt() : null,
                        text(ours, "closeReason"), ours.hasNonNull("closedBy") ? ClosedBy.fromLabel(ours.get("closedBy").asText()) : null,
                        text(ours, "error"))
                : new SessionEnd(last, closeCode, closeReason,
                        firstCloser == null ? null : firstCloser == Direction.CLIENT_TO_SERVER ? ClosedBy.CLIENT : ClosedBy.SERVER, null);
        events.add(new CaptureEvent.SessionClosed(id, end));
        return events;
    }

    /** Whether these frames' numbers rise strictly within 1 to {@link #MAX_SEQ}, so that they can order the rest. */
    private static boolean rising(List<RecordedFrame> frames) {
        long previous = 0;
        for (RecordedFrame f : frames) {
            if (f.seq() <= previous || f.seq() > MAX_SEQ) {
                return false;
            }
            previous = f.seq();
        }
        return true;
    }

    private static RecordedFrame frame(long sessionId, long fallbackSeq, JsonNode m) {
        JsonNode ours = m.path("_sockscope");
        String type = m.path("type").asText();
        Direction from = switch (type) {
            case "send" -> Direction.CLIENT_TO_SERVER;
            case "receive" -> Direction.SERVER_TO_CLIENT;
            default -> throw new IllegalArgumentException("a message of type '" + type + "' (send or receive expected)");
        };
        int opcode = m.path("opcode").asInt(1);
        FrameType frameType = HarOpcodes.type(opcode)
                .orElseThrow(() -> new IllegalArgumentException("a message with opcode " + opcode + " (1, 2, 8, 9 or 10 expected)"));
        String data = m.path("data").asText("");
        byte[] payload;
        String note = text(ours, "note");
        if (ours.has("base64")) {
            payload = Base64.getDecoder().decode(ours.get("base64").asText());
        } else if (frameType == FrameType.TEXT) {
            payload = data.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                payload = Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException notBase64) {
                payload = data.getBytes(StandardCharsets.UTF_8);
                note = (note == null ? "" : note + "; ") + "imported: the data was not base64, stored as its UTF-8 text";
            }
        }
        long time = ours.has("timeMicros") ? ours.get("timeMicros").asLong() : Math.round(m.path("time").asDouble() * 1_000_000);
        long seq = ours.has("seq") ? ours.get("seq").asLong() : fallbackSeq;
        return new RecordedFrame(sessionId, seq, time, from, frameType, payload, ours.path("fragments").asInt(1), note, null,
                provenance(ours.path("provenance")));
    }

    /** Sockscope's own export says where a frame came from ({@code _sockscope.provenance}); anything unknown is left out. */
    private static Provenance provenance(JsonNode p) {
        if (!p.isObject()) {
            return null;
        }
        try {
            Provenance.Origin origin = Provenance.Origin.fromLabel(p.path("origin").asText("wire"));
            Provenance.Delivery delivery = Provenance.Delivery.valueOf(p.path("delivery").asText("delivered").toUpperCase(java.util.Locale.ROOT)
                    .replace('-', '_'));
            long held = Math.round(p.path("heldMs").asDouble(0) * 1000);
            byte[] original = p.has("originalText") ? p.get("originalText").asText().getBytes(StandardCharsets.UTF_8)
                    : p.has("originalBase64") ? Base64.getDecoder().decode(p.get("originalBase64").asText()) : null;
            FrameType originalType = original == null ? null : p.has("originalType") ? FrameType.fromLabel(p.get("originalType").asText())
                    : FrameType.BINARY;
            return new Provenance(origin, delivery, held, original, originalType, p.path("by").textValue(), p.path("effect").textValue());
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static List<Header> headers(JsonNode array) {
        List<Header> out = new ArrayList<>();
        for (JsonNode x : array) {
            out.add(new Header(x.path("name").asText(), x.path("value").asText()));
        }
        return out;
    }

    private static String header(List<Header> headers, String name) {
        return headers.stream().filter(x -> x.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static long micros(String iso) {
        try {
            Instant t = Instant.parse(iso);
            return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("startedDateTime '" + iso + "' is not an ISO-8601 time");
        }
    }
}
