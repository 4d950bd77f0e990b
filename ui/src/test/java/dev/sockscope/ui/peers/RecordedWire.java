package dev.sockscope.ui.peers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Checks that what the proxy recorded is what the peers' libraries sent and received: every data message and
 * ping/pong of each direction, in order, byte for byte (close frames are the proxy's to describe, not the tap's).
 * A recorded payload may differ from the tapped one only where the tapped one holds one of the scenario's fake
 * credentials and the recorded one no longer does: masking, which the store does and the wire never sees.
 */
final class RecordedWire {
    private RecordedWire() {
    }

    /** A message as both sides can see it. */
    record Message(FrameType type, byte[] payload) {
    }

    static List<Message> recorded(List<StoredFrame> frames, Direction from) {
        return frames.stream().map(StoredFrame::frame).filter(f -> f.from() == from && f.type() != FrameType.CLOSE)
                .map(f -> new Message(f.type(), f.payload())).toList();
    }

    static List<Message> tapped(List<TapMessage> connection, boolean sent) {
        return connection.stream().filter(m -> m.sent() == sent).map(m -> new Message(m.type(), m.payload())).toList();
    }

    /** Throws an AssertionError naming the first difference, or returns when every message matches. */
    static void assertEveryMessageRecorded(PeerRun run) {
        List<String> problems = new ArrayList<>();
        if (run.clientConnections().size() != run.sessions().size()) {
            problems.add("the client opened " + run.clientConnections().size() + " WebSocket connections, the proxy recorded "
                    + run.sessions().size() + " sessions");
        }
        if (!run.serverConnections().isEmpty() && run.serverConnections().size() != run.sessions().size()) {
            problems.add("the server accepted " + run.serverConnections().size() + " connections, the proxy recorded "
                    + run.sessions().size() + " sessions");
        }
        for (int i = 0; i < Math.min(run.sessions().size(), run.clientConnections().size()); i++) {
            List<StoredFrame> frames = run.session(i).frames();
            String s = "session " + run.session(i).session().id();
            compare(s + ", client sent", tapped(run.clientConnections().get(i), true), recorded(frames, Direction.CLIENT_TO_SERVER), run, problems);
            compare(s + ", client received", tapped(run.clientConnections().get(i), false), recorded(frames, Direction.SERVER_TO_CLIENT), run, problems);
            if (i < run.serverConnections().size()) {
                compare(s + ", server received", tapped(run.serverConnections().get(i), false), recorded(frames, Direction.CLIENT_TO_SERVER), run, problems);
                compare(s + ", server sent", tapped(run.serverConnections().get(i), true), recorded(frames, Direction.SERVER_TO_CLIENT), run, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("what the " + run.scenario().protocol() + " peers sent and received is not what was recorded:\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static void compare(String what, List<Message> tapped, List<Message> recorded, PeerRun run, List<String> problems) {
        if (tapped.size() != recorded.size()) {
            List<Message> longer = tapped.size() > recorded.size() ? tapped : recorded;
            problems.add(what + " " + tapped.size() + " messages, " + recorded.size() + " recorded"
                    + firstDifference(tapped, recorded, run) + "; the first one past the shorter list: "
                    + show(longer.get(Math.min(tapped.size(), recorded.size()))));
            return;
        }
        String difference = firstDifference(tapped, recorded, run);
        if (!difference.isEmpty()) {
            problems.add(what + difference);
        }
    }

    private static String firstDifference(List<Message> tapped, List<Message> recorded, PeerRun run) {
        for (int k = 0; k < Math.min(tapped.size(), recorded.size()); k++) {
            Message t = tapped.get(k);
            Message r = recorded.get(k);
            if (t.type() != r.type() || !java.util.Arrays.equals(t.payload(), r.payload()) && !masked(t.payload(), r.payload(), run)) {
                return ": message " + (k + 1) + " was " + show(t) + ", recorded " + show(r);
            }
        }
        return "";
    }

    /**
     * The recorded payload is the tapped one with the scenario's credentials masked away: the same bytes around each
     * credential, something else (the mask) in its place.
     */
    static boolean masked(byte[] tapped, byte[] recorded, PeerRun run) {
        String t = new String(tapped, StandardCharsets.ISO_8859_1);
        String r = new String(recorded, StandardCharsets.ISO_8859_1);
        List<String> secrets = run.scenario().secrets().stream().filter(t::contains).toList();
        if (secrets.isEmpty() || secrets.stream().anyMatch(r::contains)) {
            return false;
        }
        String any = secrets.stream().map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining("|"));
        StringBuilder shape = new StringBuilder();
        for (String part : t.split(any, -1)) {
            shape.append(shape.length() == 0 ? "" : "(.*?)").append(java.util.regex.Pattern.quote(part));
        }
        return java.util.regex.Pattern.compile(shape.toString(), java.util.regex.Pattern.DOTALL).matcher(r).matches();
    }

    static String show(Message m) {
        String body = m.type() == FrameType.BINARY ? HexFormat.ofDelimiter(" ").formatHex(m.payload())
                : new String(m.payload(), StandardCharsets.UTF_8);
        return m.type().label() + " (" + m.payload().length + " bytes) " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }

    /** The recorded frames of a session with any masked payload put back as the peer really sent it. */
    static List<RecordedFrame> asSent(PeerRun run, int index) {
        List<TapMessage> client = run.clientConnections().get(index);
        List<Message> sent = tapped(client, true);
        List<Message> received = tapped(client, false);
        int s = 0;
        int r = 0;
        List<RecordedFrame> out = new ArrayList<>();
        for (StoredFrame stored : run.session(index).frames()) {
            RecordedFrame f = stored.frame();
            if (f.type() != FrameType.CLOSE) {
                Message original = f.from() == Direction.CLIENT_TO_SERVER ? sent.get(s++) : received.get(r++);
                f = f.withPayload(original.payload());
            }
            out.add(f);
        }
        return out;
    }
}
