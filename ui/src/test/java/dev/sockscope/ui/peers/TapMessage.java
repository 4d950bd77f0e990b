package dev.sockscope.ui.peers;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.wire.FrameType;

/**
 * One WebSocket message as a peer's own {@code ws} library sent or received it, from the tap's JSON lines
 * ({@code lib/tap.js}).
 *
 * @param sent true for what the peer sent, false for what it received
 * @param conn the peer process's connection number, in the order its upgrades completed
 * @param url  the path and query a client connected to (null on a server)
 */
record TapMessage(boolean sent, int conn, String url, FrameType type, byte[] payload) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tap lines of a process's output, grouped by connection in connection order. */
    static List<List<TapMessage>> connections(List<String> output) {
        Map<Integer, List<TapMessage>> byConn = new java.util.TreeMap<>();
        for (String line : output) {
            if (!line.startsWith("{\"tap\"")) {
                continue;
            }
            try {
                JsonNode j = JSON.readTree(line);
                TapMessage m = new TapMessage(j.path("tap").asText().equals("sent"), j.path("conn").asInt(),
                        j.path("url").isNull() ? null : j.path("url").asText(), FrameType.fromLabel(j.path("type").asText()),
                        Base64.getDecoder().decode(j.path("b64").asText()));
                byConn.computeIfAbsent(m.conn(), c -> new ArrayList<>()).add(m);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("not a tap line: " + line, e);
            }
        }
        return new ArrayList<>(new LinkedHashMap<>(byConn).values());
    }
}
