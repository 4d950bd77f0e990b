package dev.sockscope.ui.exchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.sockscope.wire.QueryString;
import dev.sockscope.proxy.Route;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.Json;
import dev.sockscope.ui.views.Times;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;

/**
 * Sessions as a HAR 1.2 file the way Chrome DevTools saves WebSocket traffic: one entry per session with
 * {@code _resourceType: "websocket"} and {@code _webSocketMessages} ({@code type} send or receive, {@code time} in epoch
 * seconds, {@code opcode}, {@code data}: text as is, binary base64), so that Chrome, Charles, Fiddler and HTTP Toolkit
 * open it. Chrome puts data messages only there, so ping, pong and close frames go, in the same shape, in the entry's
 * {@code _sockscope.controlFrames}. What HAR has no field for (exact microsecond times, seq, fragments, notes, how the
 * session ended) goes in {@code _sockscope} objects, which other tools ignore and {@link HarImport} reads back. Payloads
 * are written as stored: masked unless the recording kept its secrets. Streams, so a long session never has to fit in
 * memory (the session's frames are read twice, data then control, a page at a time).
 */
public final class HarExport {
    private static final int PAGE = 2000;

    private HarExport() {
    }

    public static void write(RecordingStore store, List<SessionRecord> sessions, OutputStream out)
            throws IOException, RecordingException {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("log");
            g.writeStringField("version", "1.2");
            g.writeObjectFieldStart("creator");
            g.writeStringField("name", "Sockscope");
            g.writeStringField("version", version());
            g.writeEndObject();
            g.writeArrayFieldStart("pages");
            g.writeEndArray();
            g.writeArrayFieldStart("entries");
            for (SessionRecord s : sessions) {
                entry(g, store, s);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void entry(JsonGenerator g, RecordingStore store, SessionRecord s) throws IOException, RecordingException {
        Handshake h = s.info().handshake();
        long endMicros = s.end() != null ? s.end().endedAtMicros() : s.info().startedAtMicros();
        g.writeStartObject();
        g.writeStringField("startedDateTime", Times.iso(s.info().startedAtMicros()));
        g.writeNumberField("time", Math.max(0, endMicros - s.info().startedAtMicros()) / 1000.0);
        g.writeObjectFieldStart("request");
        g.writeStringField("method", "GET");
        g.writeStringField("url", url(s));
        g.writeStringField("httpVersion", "HTTP/1.1");
        headers(g, h.requestHeaders());
        g.writeArrayFieldStart("queryString");
        for (var pair : QueryString.decoded(h.query()).entrySet()) {
            g.writeStartObject();
            g.writeStringField("name", pair.getKey());
            g.writeStringField("value", pair.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("cookies");
        g.writeEndArray();
        g.writeNumberField("headersSize", -1);
        g.writeNumberField("bodySize", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("response");
        g.writeNumberField("status", h.status());
        g.writeStringField("statusText", h.status() == 101 ? "Switching Protocols" : "");
        g.writeStringField("httpVersion", "HTTP/1.1");
        headers(g, h.responseHeaders());
        g.writeArrayFieldStart("cookies");
        g.writeEndArray();
        g.writeObjectFieldStart("content");
        g.writeNumberField("size", 0);
        g.writeStringField("mimeType", "x-unknown");
        g.writeEndObject();
        g.writeStringField("redirectURL", "");
        g.writeNumberField("headersSize", -1);
        g.writeNumberField("bodySize", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("cache");
        g.writeEndObject();
        g.writeObjectFieldStart("timings");
        g.writeNumberField("send", 0);
        g.writeNumberField("wait", 0);
        g.writeNumberField("receive", 0);
        g.writeEndObject();
        g.writeStringField("_resourceType", "websocket");
        g.writeObjectFieldStart("_sockscope");
        g.writeNumberField("sessionId", s.id());
        g.writeStringField("listen", s.info().listen());
        g.writeStringField("upstream", s.info().upstream());
        g.writeStringField("clientAddress", s.info().clientAddress());
        g.writeNumberField("startedAtMicros", s.info().startedAtMicros());
        if (s.end() != null) {
            g.writeNumberField("endedAtMicros", s.end().endedAtMicros());
            if (s.end().closeCode() != null) {
                g.writeNumberField("closeCode", s.end().closeCode());
            }
            g.writeStringField("closeReason", s.end().closeReason());
            g.writeStringField("closedBy", s.end().closedBy() == null ? null : s.end().closedBy().label());
            g.writeStringField("error", s.end().error());
        }
        g.writeArrayFieldStart("controlFrames");
        messages(g, store, s, true);
        g.writeEndArray();
        g.writeEndObject();
        g.writeArrayFieldStart("_webSocketMessages");
        messages(g, store, s, false);
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The session's control frames (ping, pong, close), or its data messages (text, binary), in order. */
    private static void messages(JsonGenerator g, RecordingStore store, SessionRecord s, boolean control)
            throws IOException, RecordingException {
        long after = 0;
        List<StoredFrame> page;
        do {
            page = store.storedFrames(s.id(), after, PAGE);
            for (StoredFrame sf : page) {
                if (sf.frame().type().isControl() == control) {
                    message(g, sf.frame());
                }
                after = sf.seq();
            }
        } while (page.size() == PAGE);
    }

    private static void message(JsonGenerator g, RecordedFrame f) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", f.from() == Direction.CLIENT_TO_SERVER ? "send" : "receive");
        g.writeNumberField("time", f.timeMicros() / 1_000_000.0);
        g.writeNumberField("opcode", HarOpcodes.of(f.type()));
        g.writeStringField("data", f.type() == FrameType.TEXT ? f.text() : Base64.getEncoder().encodeToString(f.payload()));
        g.writeObjectFieldStart("_sockscope");
        g.writeNumberField("seq", f.seq());
        g.writeNumberField("timeMicros", f.timeMicros());
        g.writeNumberField("fragments", f.fragments());
        if (f.type() == FrameType.TEXT && !dev.sockscope.wire.Utf8Validator.isValid(f.payload())) {
            // Not valid UTF-8: the text above is lossy, these are the bytes.
            g.writeStringField("base64", Base64.getEncoder().encodeToString(f.payload()));
        }
        if (f.note() != null) {
            g.writeStringField("note", f.note());
        }
        if (f.provenance() != null) {
            g.writeObjectField("provenance", dev.sockscope.ui.views.FrameView.ProvenanceView.of(f.provenance()));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void headers(JsonGenerator g, List<Header> headers) throws IOException {
        g.writeArrayFieldStart("headers");
        for (Header x : headers) {
            g.writeStartObject();
            g.writeStringField("name", x.name());
            g.writeStringField("value", x.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The URL the session reached upstream, as the route builds it. */
    static String url(SessionRecord s) {
        Handshake h = s.info().handshake();
        try {
            return new Route("127.0.0.1", 0, URI.create(s.info().upstream())).upstreamFor(h.path(), h.query()).toString();
        } catch (RuntimeException notAUrl) {
            return s.info().upstream() + h.target();
        }
    }

    private static String version() {
        String v = HarExport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
