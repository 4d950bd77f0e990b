package dev.sockscope.ui.peers;

import java.util.List;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;

/**
 * What a scenario left: the sessions the proxy recorded (oldest first, with their stored frames), and what the
 * peers' own WebSocket libraries said they sent and received, per connection in connection order (no server
 * connections when the server is not a peer script).
 */
record PeerRun(Scenario scenario, List<Recorded> sessions, List<List<TapMessage>> clientConnections,
               List<List<TapMessage>> serverConnections, List<String> clientOutput) {

    /** A recorded session and its frames as the store returns them. */
    record Recorded(SessionRecord session, List<StoredFrame> frames) {
    }

    Recorded session(int index) {
        return sessions.get(index);
    }
}
