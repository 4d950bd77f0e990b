package dev.sockscope.decode.stomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.decode.Correlation;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;

/**
 * What one STOMP frame shows: label (command and destination), kind, summary, tree and what it asks or answers. Holds
 * what later frames refer back to: each subscription's destination, what each receipt was asked for, and whether the
 * CONNECT still waits for its answer (an ERROR then answers it).
 */
final class FrameViews {
    /** Headers whose values are credentials: masked in what is shown and in the stored copy. */
    static final Set<String> SECRET_HEADERS = Set.of("passcode", "password", "authorization", "token", "access-token", "auth-token",
            "x-auth-token", "api-key", "x-api-key", "secret");
    private static final int MAX_REMEMBERED = 65_536;

    /** One frame shown; its tree is built only when asked for. */
    record View(String label, Kind kind, String summary, Supplier<ObjectNode> tree, List<Correlation> correlations, List<Warning> warnings,
                boolean bodyCredentials) {
    }

    private final SecretMasker masker;
    private final Map<String, String> subscriptions = new HashMap<>();
    private final Map<String, String> receipts = new HashMap<>();
    private final Map<String, String> acks = new HashMap<>();
    private boolean connecting;

    FrameViews(SecretMasker masker) {
        this.masker = masker;
    }

    static boolean isSecret(String header) {
        return SECRET_HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT));
    }

    View view(StompFrame f) {
        String command = f.command();
        String destination = f.header("destination");
        // A receipt is the client's to ask for (Artemis copies a SEND's receipt header into the MESSAGE it delivers).
        String receipt = StompParser.CLIENT_COMMANDS.contains(command) ? f.header("receipt") : null;
        List<Correlation> correlations = new ArrayList<>(2);
        List<Warning> warnings = new ArrayList<>(0);
        List<String> summary = new ArrayList<>();
        String label = command;
        Kind kind = receipt != null ? Kind.REQUEST : Kind.EVENT;
        switch (command) {
            case "CONNECT", "STOMP" -> {
                connecting = true;
                kind = Kind.REQUEST;
                add(summary, "STOMP ", f.header("accept-version"));
                add(summary, "host ", f.header("host"));
                add(summary, "login ", f.header("login"));
                add(summary, "passcode ", shown("passcode", f.header("passcode")));
                add(summary, "heart-beat ", f.header("heart-beat"));
                correlations.add(new Correlation.Request("connect", "", true));
            }
            case "CONNECTED" -> {
                kind = Kind.RESPONSE;
                add(summary, "version ", f.header("version"));
                add(summary, "heart-beat ", f.header("heart-beat"));
                add(summary, "session ", f.header("session"));
                add(summary, "", f.header("server"));
                correlations.add(new Correlation.Answer("connect", "", true, false));
                connecting = false;
            }
            case "SEND" -> label = named(command, destination);
            case "SUBSCRIBE" -> {
                String id = f.header("id");
                label = named(command, destination);
                kind = Kind.REQUEST;
                add(summary, "id ", id);
                add(summary, "ack ", f.header("ack"));
                if (id != null) {
                    remember(subscriptions, id, destination);
                    // Its MESSAGEs are a stream under it; a subscription may rightly get none.
                    correlations.add(new Correlation.Request("subscription", id, false));
                }
            }
            case "UNSUBSCRIBE" -> {
                String id = f.header("id");
                String subscribed = id == null ? null : subscriptions.remove(id);
                label = named(command, subscribed != null ? subscribed : id);
                add(summary, "id ", id);
                if (id != null) {
                    correlations.add(new Correlation.Cancel("subscription", id));
                }
            }
            case "MESSAGE" -> {
                String subscription = f.header("subscription");
                label = named(command, destination);
                add(summary, "subscription ", subscription);
                add(summary, "message-id ", f.header("message-id"));
                if (subscription != null) {
                    correlations.add(new Correlation.Answer("subscription", subscription, false, false));
                }
                String ack = f.header("ack") != null ? f.header("ack") : f.header("message-id");
                if (ack != null) {
                    remember(acks, ack, destination);
                    correlations.add(new Correlation.Request("ack", ack, false));
                }
            }
            case "ACK", "NACK" -> {
                String id = f.header("id") != null ? f.header("id") : f.header("message-id");
                String acked = id == null ? null : acks.remove(id);
                label = named(command, acked);
                kind = Kind.RESPONSE;
                add(summary, "id ", id);
                add(summary, "subscription ", f.header("subscription"));
                if (id != null && acked != null) {
                    correlations.add(new Correlation.Answer("ack", id, true, false));
                }
            }
            case "BEGIN", "COMMIT", "ABORT" -> label = named(command, f.header("transaction"));
            case "DISCONNECT" -> kind = receipt != null ? Kind.REQUEST : Kind.CONTROL;
            case "RECEIPT" -> {
                String id = f.header("receipt-id");
                String asked = id == null ? null : receipts.remove(id);
                label = named(command, asked);
                kind = Kind.RESPONSE;
                add(summary, "receipt-id ", id);
                if (id != null) {
                    correlations.add(new Correlation.Answer("receipt", id, true, false));
                }
            }
            case "ERROR" -> {
                kind = Kind.ERROR;
                add(summary, "", f.header("message") == null ? null : "“" + f.header("message") + "”");
                if (connecting) {
                    // The broker refuses the CONNECT with an ERROR, then closes.
                    correlations.add(new Correlation.Answer("connect", "", true, false));
                    connecting = false;
                }
                String id = f.header("receipt-id");
                if (id != null) {
                    receipts.remove(id);
                    correlations.add(new Correlation.Answer("receipt", id, true, false));
                }
            }
            default -> {
            }
        }
        if (receipt != null && !command.equals("RECEIPT")) {
            add(summary, "receipt ", receipt);
            remember(receipts, receipt, destination != null ? destination : command);
            correlations.add(new Correlation.Request("receipt", receipt, true));
        }
        Bodies.Shown body = Bodies.show(f.body(), f.header("content-type"), masker);
        Supplier<ObjectNode> tree = () -> {
            ObjectNode t = Bodies.NODES.objectNode();
            t.put("command", command);
            ObjectNode headers = t.putObject("headers");
            for (StompFrame.Header h : f.headers()) {
                if (!headers.has(h.name())) {
                    headers.put(h.name(), isSecret(h.name()) ? shown(h.name(), h.value()) : h.value());
                }
            }
            if (f.body().length > 0) {
                t.set("body", body.value());
                t.put("bodyEncoding", body.encoding());
            }
            return t;
        };
        if (f.body().length > 0) {
            if (!body.preview().equals("“" + f.header("message") + "”")) {
                summary.add(body.preview()); // an ERROR's body often repeats its message header
            }
        }
        if (body.invalidJson() != null) {
            warnings.add(Warning.of(Warning.Code.INVALID_JSON, "the body's content-type says JSON, but it is not: " + body.invalidJson()));
        }
        return new View(label, kind, String.join(" · ", summary), tree, correlations, warnings, body.credentials());
    }

    /** A secret header's value as shown: masked, or as it is when the stored copy already holds its mask. */
    private String shown(String name, String value) {
        if (value == null || !isSecret(name) || SecretMasker.isMasked(value) || SecretMasker.isMaskedKeepingLength(
                value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, value.length())) {
            return value;
        }
        return masker.mask(value);
    }

    private static String named(String command, String what) {
        return what == null ? command : command + " " + what;
    }

    private static void add(List<String> summary, String prefix, String value) {
        if (value != null) {
            summary.add(prefix + value);
        }
    }

    private static void remember(Map<String, String> map, String key, String value) {
        if (map.size() >= MAX_REMEMBERED && !map.containsKey(key)) {
            map.clear();
        }
        map.put(key, value);
    }
}
