package dev.sockscope.decode.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MQTT 5 properties (MQTT 5 §2.2.2.2): a variable byte integer length, then identifier and value pairs, read into a
 * tree named as the spec names them ({@code messageExpiryInterval}, {@code topicAlias}, {@code userProperties}).
 * Authentication data may be a credential: only its length is kept.
 */
final class Properties {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The properties of a packet that has none (and of every MQTT 3.1.1 packet). */
    static final ObjectNode NONE = NODES.objectNode();

    private enum Type { BYTE, TWO, FOUR, VARINT, UTF8, BINARY, PAIR }

    private Properties() {
    }

    /** Reads the length and the properties; a 3.1.1 packet ({@code v5} false) has none. */
    static ObjectNode read(Cursor in, boolean v5) throws Cursor.Malformed {
        if (!v5) {
            return NONE;
        }
        int length = in.varint("property length");
        if (length == 0) {
            return NONE;
        }
        if (length > in.remaining()) {
            throw new Cursor.Short("the properties (" + length + " bytes) run past the end of the packet");
        }
        int end = in.pos() + length;
        ObjectNode out = NODES.objectNode();
        while (in.pos() < end) {
            int id = in.varint("property identifier");
            String name = name(id);
            Type type = type(id);
            if (name == null || type == null) {
                throw new Cursor.Malformed("unknown property identifier 0x" + Integer.toHexString(id));
            }
            JsonNode value = switch (type) {
                case BYTE -> NODES.numberNode(in.u8(name));
                case TWO -> NODES.numberNode(in.u16(name));
                case FOUR -> NODES.numberNode(in.u32(name));
                case VARINT -> NODES.numberNode(in.varint(name));
                case UTF8 -> NODES.textNode(in.utf8(name));
                case BINARY -> id == 0x16 ? NODES.textNode(in.binary(name).length + " bytes (not shown)") : Payloads.binaryValue(in.binary(name));
                case PAIR -> {
                    ObjectNode pair = NODES.objectNode();
                    pair.put("name", in.utf8("user property name"));
                    pair.put("value", in.utf8("user property value"));
                    yield pair;
                }
            };
            if (in.pos() > end) {
                throw new Cursor.Malformed("property " + name + " runs past the property length");
            }
            if (type == Type.PAIR || id == 0x0B) {
                // User properties repeat; so does the subscription identifier of a PUBLISH matching several subscriptions.
                JsonNode list = out.get(name);
                (list instanceof ArrayNode a ? a : out.putArray(name)).add(value);
            } else {
                out.set(name, value);
            }
        }
        return out;
    }

    private static String name(int id) {
        return switch (id) {
            case 0x01 -> "payloadFormatIndicator";
            case 0x02 -> "messageExpiryInterval";
            case 0x03 -> "contentType";
            case 0x08 -> "responseTopic";
            case 0x09 -> "correlationData";
            case 0x0B -> "subscriptionIdentifier";
            case 0x11 -> "sessionExpiryInterval";
            case 0x12 -> "assignedClientIdentifier";
            case 0x13 -> "serverKeepAlive";
            case 0x15 -> "authenticationMethod";
            case 0x16 -> "authenticationData";
            case 0x17 -> "requestProblemInformation";
            case 0x18 -> "willDelayInterval";
            case 0x19 -> "requestResponseInformation";
            case 0x1A -> "responseInformation";
            case 0x1C -> "serverReference";
            case 0x1F -> "reasonString";
            case 0x21 -> "receiveMaximum";
            case 0x22 -> "topicAliasMaximum";
            case 0x23 -> "topicAlias";
            case 0x24 -> "maximumQoS";
            case 0x25 -> "retainAvailable";
            case 0x26 -> "userProperties";
            case 0x27 -> "maximumPacketSize";
            case 0x28 -> "wildcardSubscriptionAvailable";
            case 0x29 -> "subscriptionIdentifierAvailable";
            case 0x2A -> "sharedSubscriptionAvailable";
            default -> null;
        };
    }

    private static Type type(int id) {
        return switch (id) {
            case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> Type.BYTE;
            case 0x13, 0x21, 0x22, 0x23 -> Type.TWO;
            case 0x02, 0x11, 0x18, 0x27 -> Type.FOUR;
            case 0x0B -> Type.VARINT;
            case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> Type.UTF8;
            case 0x09, 0x16 -> Type.BINARY;
            case 0x26 -> Type.PAIR;
            default -> null;
        };
    }
}
