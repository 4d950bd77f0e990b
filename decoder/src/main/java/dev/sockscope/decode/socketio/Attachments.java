package dev.sockscope.decode.socketio;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Kind;

/**
 * The binary frames one peer still owes a BINARY_EVENT or BINARY_ACK it sent: socket.io-parser sends the packet with
 * {@code {"_placeholder":true,"num":N}} where each buffer was, then each buffer as a binary frame of its own, in order.
 */
final class Attachments {
    /** Correlation scope of the link from each attachment to its packet. */
    static final String SCOPE = "attachment";

    private final long packetSeq;
    private final String label;
    private final Kind kind;
    private final int total;
    private final JsonNode packetTree;
    private final List<String> received = new ArrayList<>();

    Attachments(long packetSeq, String label, Kind kind, int total, JsonNode packetTree) {
        this.packetSeq = packetSeq;
        this.label = label;
        this.kind = kind;
        this.total = total;
        this.packetTree = packetTree;
    }

    /** The correlation key of attachment {@code num} of the packet at {@code packetSeq}. */
    static String key(long packetSeq, int num) {
        return packetSeq + "#" + num;
    }

    long packetSeq() {
        return packetSeq;
    }

    String label() {
        return label;
    }

    Kind kind() {
        return kind;
    }

    int total() {
        return total;
    }

    /** The number the next binary frame fills. */
    int next() {
        return received.size();
    }

    boolean complete() {
        return received.size() >= total;
    }

    int missing() {
        return total - received.size();
    }

    /**
     * Takes the next binary frame (shown as {@code shown}) and returns the packet's tree as it stands now: each
     * placeholder filled so far replaced by its attachment.
     */
    JsonNode take(String shown) {
        received.add(shown);
        JsonNode tree = packetTree.deepCopy();
        fill(tree, 0);
        return tree;
    }

    private void fill(JsonNode node, int depth) {
        if (depth > 64 || node == null || !node.isContainerNode()) {
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Integer num = placeholder(node.get(i));
                if (num != null) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, Json.NODES.textNode("<attachment " + num + ": "
                            + received.get(num) + ">"));
                } else {
                    fill(node.get(i), depth + 1);
                }
            }
        } else {
            ObjectNode object = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                Integer num = placeholder(object.get(name));
                if (num != null) {
                    object.put(name, "<attachment " + num + ": " + received.get(num) + ">");
                } else {
                    fill(object.get(name), depth + 1);
                }
            }
        }
    }

    /** The attachment number of a placeholder already received, else null. */
    private Integer placeholder(JsonNode n) {
        if (n != null && n.isObject() && n.path("_placeholder").asBoolean(false) && n.path("num").canConvertToInt()) {
            int num = n.path("num").asInt();
            return num >= 0 && num < received.size() ? num : null;
        }
        return null;
    }
}
