package dev.sockscope.decode.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;

/**
 * What one whole packet shows: label, kind, summary, tree and what it asks or answers. Holds what a session's packets
 * refer back to: the topic of each packet id in flight (a PUBACK is labelled with its PUBLISH's topic, a SUBACK with its
 * SUBSCRIBE's filters) and MQTT 5 topic aliases, per direction.
 */
final class PacketViews {
    /** Ids in flight remembered per session; beyond, the oldest are forgotten (a flood of unanswered PUBLISHes). */
    private static final int MAX_REMEMBERED = 65_536;
    private static final int LABEL_TOPICS = 100;

    /** One packet shown; its tree is built only when asked for (the inspector, {@code frames --tree}). */
    record View(String label, Kind kind, String summary, Supplier<ObjectNode> tree, List<Correlation> correlations, List<Warning> warnings,
                boolean payloadCredentials) {
        View(String label, Kind kind, String summary, Supplier<ObjectNode> tree, List<Correlation> correlations, List<Warning> warnings) {
            this(label, kind, summary, tree, correlations, warnings, false);
        }
    }

    private final SecretMasker masker;
    private final Map<String, String> inFlight = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final int[] level;

    PacketViews(SecretMasker masker, int[] level) {
        this.masker = masker;
        this.level = level;
    }

    private boolean v5() {
        return level[0] >= 5;
    }

    View view(MqttPacket packet, Direction from) {
        if (packet instanceof MqttPacket.Publish p) {
            return publish(p, from);
        } else if (packet instanceof MqttPacket.Ack a) {
            return ack(a, from);
        } else if (packet instanceof MqttPacket.Connect c) {
            return connect(c);
        } else if (packet instanceof MqttPacket.Connack c) {
            return connack(c);
        } else if (packet instanceof MqttPacket.Subscribe s) {
            return subscribe(s, from);
        } else if (packet instanceof MqttPacket.SubAck s) {
            return subAck(s, from);
        } else if (packet instanceof MqttPacket.Unsubscribe u) {
            return unsubscribe(u, from);
        } else if (packet instanceof MqttPacket.Ping p) {
            return ping(p);
        }
        return ending((MqttPacket.Ending) packet);
    }

    private View connect(MqttPacket.Connect c) {
        String password = c.password() == null ? null : shownPassword(c.password());
        Supplier<ObjectNode> tree = () -> connectTree(c, password);
        String version = c.level() == 5 ? "MQTT 5" : c.level() == 4 ? "MQTT 3.1.1" : "MQTT 3.1";
        StringBuilder summary = new StringBuilder(version).append(" · client ").append(quoted(c.clientId()));
        if (c.username() != null) {
            summary.append(" · user ").append(c.username());
        }
        if (password != null) {
            summary.append(" · password ").append(password);
        }
        summary.append(" · keep-alive ").append(c.keepAlive()).append(" s");
        if (c.will() != null) {
            summary.append(" · will on ").append(c.will().topic());
        }
        return new View("CONNECT", Kind.REQUEST, summary.toString(), tree, List.of(new Correlation.Request("connect", "", true)), List.of());
    }

    private ObjectNode connectTree(MqttPacket.Connect c, String password) {
        ObjectNode tree = tree(c.type());
        tree.put("protocolName", c.protocolName());
        tree.put("protocolLevel", c.level());
        tree.put(c.level() >= 5 ? "cleanStart" : "cleanSession", c.cleanStart());
        tree.put("keepAlive", c.keepAlive());
        tree.put("clientId", c.clientId());
        if (c.username() != null) {
            tree.put("username", c.username());
        }
        if (password != null) {
            tree.put("password", password);
        }
        if (c.will() != null) {
            ObjectNode will = tree.putObject("will");
            will.put("topic", c.will().topic());
            will.put("qos", c.will().qos());
            will.put("retain", c.will().retain());
            Payloads.Shown shown = Payloads.show(c.will().payload(), masker);
            will.set("payload", shown.value());
            will.put("payloadEncoding", shown.encoding());
            properties(will, c.will().properties());
        }
        properties(tree, c.properties());
        return tree;
    }

    /** The password as shown: masked, or as stored when the stored copy already holds its mask. */
    private String shownPassword(byte[] password) {
        if (SecretMasker.isMaskedKeepingLength(password, 0, password.length)) {
            return new String(password, StandardCharsets.ISO_8859_1);
        }
        return masker.mask(new String(password, StandardCharsets.UTF_8));
    }

    private View connack(MqttPacket.Connack c) {
        boolean v5 = v5();
        String meaning = v5 ? ReasonCodes.v5(c.code()) : ReasonCodes.connackV3(c.code());
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(c.type());
            t.put("sessionPresent", c.sessionPresent());
            t.put(v5 ? "reasonCode" : "returnCode", c.code());
            t.put("meaning", meaning);
            properties(t, c.properties());
            return t;
        };
        boolean refused = v5 ? c.code() >= 0x80 : c.code() != 0;
        String summary = (refused ? "refused: " + meaning + " (" + c.code() + ")" : "accepted") + (c.sessionPresent() ? " · session present" : "")
                + reasonString(c.properties());
        return new View("CONNACK", refused ? Kind.ERROR : Kind.RESPONSE, summary, tree,
                List.of(new Correlation.Answer("connect", "", true, false)), List.of());
    }

    private View publish(MqttPacket.Publish p, Direction from) {
        String key = dir(from);
        String topic = p.topic();
        List<Warning> warnings = new ArrayList<>(1);
        if (p.properties().has("topicAlias")) {
            int alias = p.properties().get("topicAlias").asInt();
            if (topic.isEmpty()) {
                topic = aliases.get(key + alias);
                if (topic == null) {
                    topic = "(alias " + alias + ")";
                    warnings.add(Warning.of(Warning.Code.MALFORMED, "topic alias " + alias + " was never set in this direction"));
                }
            } else {
                remember(aliases, key + alias, topic);
            }
        }
        Payloads.Shown shown = Payloads.show(p.payload(), masker);
        String shownTopic = topic;
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(p.type());
            t.put("topic", shownTopic);
            t.put("qos", p.qos());
            t.put("retain", p.retain());
            t.put("dup", p.dup());
            if (p.packetId() != null) {
                t.put("packetId", p.packetId());
            }
            properties(t, p.properties());
            t.set("payload", shown.value());
            t.put("payloadEncoding", shown.encoding());
            t.put("payloadBytes", p.payload().length);
            return t;
        };
        StringBuilder summary = new StringBuilder("QoS ").append(p.qos());
        if (p.packetId() != null) {
            summary.append(" · id ").append(p.packetId());
        }
        if (p.retain()) {
            summary.append(" · retained");
        }
        if (p.dup()) {
            summary.append(" · dup");
        }
        summary.append(" · ").append(shown.preview());
        List<Correlation> correlations = new ArrayList<>(1);
        if (p.qos() > 0) {
            String scope = p.qos() == 1 ? "qos1" : "qos2";
            // A redelivery (dup) of an id still in flight is the same request, answered once.
            String was = inFlight.get(key + scope + p.packetId());
            if (!(p.dup() && was != null)) {
                correlations.add(new Correlation.Request(scope, String.valueOf(p.packetId()), true));
            }
            remember(inFlight, key + scope + p.packetId(), topic);
        }
        return new View("PUBLISH " + topic, p.qos() == 0 ? Kind.EVENT : Kind.REQUEST, summary.toString(), tree, correlations, warnings,
                shown.credentials());
    }

    /**
     * PUBACK answers a QoS 1 PUBLISH; the QoS 2 chain is PUBLISH → PUBREC → PUBREL → PUBCOMP, each answering the one
     * before (from the other peer) and each but the last asking for the next.
     */
    private View ack(MqttPacket.Ack a, Direction from) {
        String id = String.valueOf(a.packetId());
        String answers = switch (a.type()) {
            case PUBACK -> "qos1";
            case PUBREC -> "qos2";
            case PUBREL -> "pubrec";
            default -> "pubrel";
        };
        // The topic is remembered under the publisher's direction: the other peer's for PUBACK, PUBREC and PUBCOMP.
        String publisher = a.type() == PacketType.PUBREL ? dir(from) : dir(from.reverse());
        String topicKey = publisher + (a.type() == PacketType.PUBACK ? "qos1" : "qos2") + a.packetId();
        String topic = inFlight.get(topicKey);
        boolean failed = a.reason() >= 0x80;
        if (a.type() == PacketType.PUBACK || a.type() == PacketType.PUBCOMP || failed) {
            inFlight.remove(topicKey);
        }
        List<Correlation> correlations = new ArrayList<>(2);
        correlations.add(new Correlation.Answer(answers, id, true, false));
        if (!failed && a.type() == PacketType.PUBREC) {
            correlations.add(new Correlation.Request("pubrec", id, true));
        } else if (!failed && a.type() == PacketType.PUBREL) {
            correlations.add(new Correlation.Request("pubrel", id, true));
        }
        boolean v5 = v5();
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(a.type());
            t.put("packetId", a.packetId());
            if (topic != null) {
                t.put("topic", topic);
            }
            if (v5) {
                t.put("reasonCode", a.reason());
                t.put("meaning", ReasonCodes.v5(a.reason()));
                properties(t, a.properties());
            }
            return t;
        };
        String summary = "id " + id;
        if (v5) {
            if (a.reason() != 0) {
                summary += " · " + ReasonCodes.v5(a.reason()) + " (" + ReasonCodes.hex(a.reason()) + ")";
            }
            summary += reasonString(a.properties());
        }
        return new View(a.type() + (topic == null ? "" : " " + topic), failed ? Kind.ERROR : Kind.RESPONSE, summary, tree, correlations, List.of());
    }

    private View subscribe(MqttPacket.Subscribe s, Direction from) {
        boolean v5 = v5();
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(s.type());
            t.put("packetId", s.packetId());
            ArrayNode filters = t.putArray("filters");
            for (MqttPacket.Filter f : s.filters()) {
                ObjectNode one = filters.addObject();
                one.put("topic", f.topic());
                one.put("qos", f.qos());
                if (v5) {
                    one.put("noLocal", (f.options() & 4) != 0);
                    one.put("retainAsPublished", (f.options() & 8) != 0);
                    one.put("retainHandling", (f.options() >> 4) & 3);
                }
            }
            properties(t, s.properties());
            return t;
        };
        List<String> topics = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (MqttPacket.Filter f : s.filters()) {
            topics.add(f.topic());
            described.add(f.topic() + " (QoS " + f.qos() + ")");
        }
        String joined = joined(topics);
        remember(inFlight, dir(from) + "sub" + s.packetId(), joined);
        return new View("SUBSCRIBE " + joined, Kind.REQUEST, "id " + s.packetId() + " · " + String.join(", ", described), tree,
                List.of(new Correlation.Request("subscribe", String.valueOf(s.packetId()), true)), List.of());
    }

    private View unsubscribe(MqttPacket.Unsubscribe u, Direction from) {
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(u.type());
            t.put("packetId", u.packetId());
            ArrayNode filters = t.putArray("filters");
            u.filters().forEach(filters::add);
            properties(t, u.properties());
            return t;
        };
        String joined = joined(u.filters());
        remember(inFlight, dir(from) + "unsub" + u.packetId(), joined);
        return new View("UNSUBSCRIBE " + joined, Kind.REQUEST, "id " + u.packetId() + " · " + String.join(", ", u.filters()), tree,
                List.of(new Correlation.Request("unsubscribe", String.valueOf(u.packetId()), true)), List.of());
    }

    private View subAck(MqttPacket.SubAck s, Direction from) {
        boolean sub = s.type() == PacketType.SUBACK;
        String topics = inFlight.remove(dir(from.reverse()) + (sub ? "sub" : "unsub") + s.packetId());
        boolean v5 = v5();
        List<String> meanings = new ArrayList<>();
        boolean refused = false;
        for (int code : s.codes()) {
            String meaning = sub ? ReasonCodes.suback(code, v5) : ReasonCodes.v5(code);
            meanings.add(meaning + (code >= 0x80 ? " (" + ReasonCodes.hex(code) + ")" : ""));
            refused |= code >= 0x80;
        }
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(s.type());
            t.put("packetId", s.packetId());
            if (topics != null) {
                t.put("filters", topics);
            }
            if (sub || v5) { // a 3.1.1 UNSUBACK has no codes
                ArrayNode codes = t.putArray(sub && !v5 ? "returnCodes" : "reasonCodes");
                for (int code : s.codes()) {
                    ObjectNode one = codes.addObject();
                    one.put("code", code);
                    one.put("meaning", sub ? ReasonCodes.suback(code, v5) : ReasonCodes.v5(code));
                }
            }
            properties(t, s.properties());
            return t;
        };
        String summary = "id " + s.packetId() + (meanings.isEmpty() ? "" : " · " + String.join(", ", meanings)) + reasonString(s.properties());
        return new View(s.type() + (topics == null ? "" : " " + topics), refused ? Kind.ERROR : Kind.RESPONSE, summary, tree,
                List.of(new Correlation.Answer(sub ? "subscribe" : "unsubscribe", String.valueOf(s.packetId()), true, false)), List.of());
    }

    private View ping(MqttPacket.Ping p) {
        Correlation c = p.type() == PacketType.PINGREQ ? new Correlation.Request("ping", "", true)
                : new Correlation.Answer("ping", "", true, false);
        return new View(p.type().name(), Kind.HEARTBEAT, p.type() == PacketType.PINGREQ ? "are you there?" : "here", () -> tree(p.type()),
                List.of(c), List.of());
    }

    private View ending(MqttPacket.Ending e) {
        boolean v5 = v5();
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = tree(e.type());
            if (v5) {
                t.put("reasonCode", e.reason());
                t.put("meaning", ReasonCodes.v5(e.reason()));
                properties(t, e.properties());
            }
            return t;
        };
        String summary = e.type() == PacketType.DISCONNECT ? "the connection ends" : "authentication exchange";
        Kind kind = e.type() == PacketType.DISCONNECT ? Kind.CONTROL : Kind.EVENT;
        if (v5) {
            summary += " · " + ReasonCodes.v5(e.reason()) + reasonString(e.properties());
            if (e.reason() >= 0x80) {
                kind = Kind.ERROR;
            }
        }
        return new View(e.type().name(), kind, summary, tree, List.of(), List.of());
    }

    private static ObjectNode tree(PacketType type) {
        ObjectNode tree = Properties.NODES.objectNode();
        tree.put("type", type.name());
        return tree;
    }

    private static void properties(ObjectNode tree, ObjectNode properties) {
        if (!properties.isEmpty()) {
            tree.set("properties", properties.deepCopy());
        }
    }

    private static String reasonString(ObjectNode properties) {
        return properties.has("reasonString") ? " · " + quoted(properties.get("reasonString").asText()) : "";
    }

    private static String quoted(String s) {
        return "“" + s + "”";
    }

    private static String joined(List<String> topics) {
        String all = String.join(", ", topics);
        return all.length() <= LABEL_TOPICS ? all : all.substring(0, LABEL_TOPICS - 1) + "…";
    }

    private static String dir(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "c:" : "s:";
    }

    private static void remember(Map<String, String> map, String key, String value) {
        if (map.size() >= MAX_REMEMBERED && !map.containsKey(key)) {
            map.clear();
        }
        map.put(key, value);
    }
}
