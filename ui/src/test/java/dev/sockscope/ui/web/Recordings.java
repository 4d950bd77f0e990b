package dev.sockscope.ui.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** Writes sessions through the real recorder (decoding, masking) into a real store, as a proxy would. */
final class Recordings {
    static final long T0 = 1_767_000_000_000_000L;
    private final RecordingStore store;
    private final CaptureDecoder decoder;

    Recordings(RecordingStore store) {
        this.store = store;
        this.decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
    }

    /** A session being written: frames are numbered 1, 2, … and 1 ms apart. */
    final class Session {
        final long id;
        private long seq;

        private Session(long id) {
            this.id = id;
        }

        Session text(Direction from, String text) throws RecordingException {
            return frame(from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        Session frame(Direction from, FrameType type, byte[] payload) throws RecordingException {
            seq++;
            write(List.of(new CaptureEvent.FrameCaptured(
                    new RecordedFrame(id, seq, T0 + seq * 1000, from, type, payload, 1, null))));
            return this;
        }

        Session close(int code) throws RecordingException {
            byte[] close = {(byte) (code >> 8), (byte) code};
            frame(Direction.CLIENT_TO_SERVER, FrameType.CLOSE, close);
            write(List.of(new CaptureEvent.SessionClosed(id,
                    new SessionEnd(T0 + (seq + 1) * 1000, code, "", ClosedBy.CLIENT, null))));
            return this;
        }
    }

    /** Decodes and stores, as the decoding stage and the recorder do in a proxy. */
    private void write(List<CaptureEvent> events) throws RecordingException {
        store.append(decoder.decodeAll(events));
    }

    Session open(String path, String query, Header... headers) throws RecordingException {
        long id = store.nextSessionId();
        List<Header> request = new ArrayList<>(List.of(new Header("Host", "chat.example.org")));
        request.addAll(List.of(headers));
        Handshake h = new Handshake(path, query, request, 101, List.of(new Header("Upgrade", "websocket")), null, List.of());
        write(List.of(new CaptureEvent.SessionOpened(
                new SessionInfo(id, "127.0.0.1:9444", "ws://chat.example.org", "127.0.0.1:50000", h, T0))));
        return new Session(id);
    }
}
