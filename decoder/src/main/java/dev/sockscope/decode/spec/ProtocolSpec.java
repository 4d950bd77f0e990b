package dev.sockscope.decode.spec;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.sockscope.decode.JsonPath;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Template;
import dev.sockscope.wire.Direction;

/**
 * A decoder spec: everything Sockscope needs to read one JSON-over-WebSocket protocol, as a user writes it in a
 * YAML or JSON file. The five built-in protocols are specs too ({@code src/main/resources/dev/sockscope/protocols}).
 * docs/decoders.md ("Writing a spec") documents every field with a worked example.
 *
 * @param protocol    short name, used with {@code --protocol} and shown before every label
 * @param title       what the protocol is, for people
 * @param source      where it is documented
 * @param detect      how to recognise it without being told
 * @param secrets     field paths whose values are credentials: masked in summaries and in stored payloads
 * @param jsonStrings field paths whose string values are JSON documents (decoded in place)
 * @param label       where a frame's label comes from
 * @param kinds       rules that say a frame's kind, first match wins
 * @param correlate   how responses pair with requests, or null when they don't
 * @param messages    the table: one entry per opcode or event name (and direction or condition), first match wins
 * @param closeCodes  close codes the protocol gives a meaning to
 * @param headers     handshake headers worth showing, with what they mean
 * @param volatileFields fields whose values change from run to run (times, ids, renumbered sequence numbers): a
 *                    replay does not compare them ({@code volatile} in the file)
 */
public record ProtocolSpec(String protocol, String title, String source, Detect detect, List<JsonPath> secrets,
                           List<JsonPath> jsonStrings, LabelSpec label, List<KindRule> kinds, Correlate correlate,
                           List<MessageSpec> messages, Map<Integer, String> closeCodes, Map<String, String> headers,
                           @com.fasterxml.jackson.annotation.JsonProperty("volatile") List<FieldPattern> volatileFields) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public ProtocolSpec {
        if (protocol == null || !NAME.matcher(protocol).matches()) {
            throw new IllegalArgumentException("protocol: a spec needs a short lower-case name such as 'json-rpc'"
                    + (protocol == null ? "" : ", got '" + protocol + "'"));
        }
        title = title == null ? protocol : title;
        detect = detect == null ? new Detect(null, null) : detect;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        jsonStrings = jsonStrings == null ? List.of() : List.copyOf(jsonStrings);
        label = label == null ? new LabelSpec(null, null, null, null, null) : label;
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        messages = messages == null ? List.of() : List.copyOf(messages);
        closeCodes = closeCodes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(closeCodes));
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        volatileFields = volatileFields == null ? List.of() : List.copyOf(volatileFields);
        if (!label.fields().isEmpty()) {
            for (int i = 0; i < messages.size(); i++) {
                MessageSpec m = messages.get(i);
                if (m.value() == null && m.when() == When.ALWAYS && m.kind() == null && m.from() == null) {
                    throw new IllegalArgumentException("messages[" + i + "]: an entry needs a value, a from, a kind"
                            + " or a when; without any it would match every frame");
                }
            }
        }
    }

    /** How to recognise the protocol: evidence in the handshake, then a test on the first frames. */
    public record Detect(HandshakeEvidence handshake, ContentTest content) {
        public Detect {
            handshake = handshake == null ? new HandshakeEvidence(null, null, null, null, null, null) : handshake;
        }
    }

    /**
     * Handshake evidence. Subprotocols, headers and cookies are strong (each is enough to pick the protocol);
     * query parameters, path and host are weak (they only rank the candidates tried on the first frames).
     */
    public record HandshakeEvidence(List<String> subprotocols, Map<String, Pattern> headers, List<String> cookies,
                                    List<String> query, Pattern path, Pattern host) {
        public HandshakeEvidence {
            subprotocols = subprotocols == null ? List.of() : List.copyOf(subprotocols);
            headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
            cookies = cookies == null ? List.of() : List.copyOf(cookies);
            query = query == null ? List.of() : List.copyOf(query);
        }
    }

    /**
     * A cheap test on a frame's JSON: fields that must be present with their types, text fields that must match
     * a pattern, and whether the label value must be one the table knows.
     */
    public record ContentTest(Map<JsonPath, FieldType> require, Map<JsonPath, Pattern> match, Boolean knownLabel) {
        public ContentTest {
            require = require == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(require));
            match = match == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(match));
            knownLabel = knownLabel != null && knownLabel;
            if (require.isEmpty() && match.isEmpty()) {
                throw new IllegalArgumentException("content: give at least one field under require or match,"
                        + " or leave content out");
            }
        }
    }

    /**
     * @param fields    paths whose values, joined by {@code separator}, pick the table entry ({@code opcode};
     *                  {@code type, data.type})
     * @param separator joins several fields (default "/")
     * @param format    the label of a known value; {@code {name}} is the entry's name, {@code {value}} the value
     * @param unknown   the label of a value the table lacks (default: the value)
     * @param guess     the label of an unknown value whose fields match a known entry (default "{name}? ({value})")
     */
    public record LabelSpec(List<JsonPath> fields, String separator, Template format, Template unknown, Template guess) {
        public LabelSpec {
            fields = fields == null ? List.of() : List.copyOf(fields);
            separator = separator == null ? "/" : separator;
            format = format == null ? Template.parse("{name}") : format;
            unknown = unknown == null ? Template.parse("{value}") : unknown;
            guess = guess == null ? Template.parse("{name}? ({value})") : guess;
        }
    }

    /** A frame matching {@code when} has this kind; {@code warning}, if given, is attached to it. */
    public record KindRule(When when, Kind kind, String warning) {
        public KindRule {
            when = when == null ? When.ALWAYS : when;
            if (kind == null) {
                throw new IllegalArgumentException("kind: every rule under kinds needs a kind");
            }
        }
    }

    /**
     * Requests (frames from {@code requestsFrom} of a kind in {@code requests}) wait for responses (frames from
     * the other peer of a kind in {@code responses}) with the same value at {@code key}, first in first out.
     */
    public record Correlate(JsonPath key, List<Kind> requests, List<Kind> responses, String requestsFrom) {
        public Correlate {
            if (key == null) {
                throw new IllegalArgumentException("correlate.key: the field that pairs a response with its request"
                        + " (seq, id, name) is required");
            }
            requests = requests == null ? List.of(Kind.REQUEST) : List.copyOf(requests);
            responses = responses == null ? List.of(Kind.RESPONSE, Kind.ERROR) : List.copyOf(responses);
            requestsFrom = requestsFrom == null ? "client" : requestsFrom;
            When.parseFrom(requestsFrom);
        }

        public Direction requestDirection() {
            return When.parseFrom(requestsFrom);
        }
    }

    /**
     * One entry of the protocol's table.
     *
     * @param value   the label value it describes (an opcode, an event name); null matches any
     * @param from    the sender it applies to (client or server); null for both
     * @param kind    the kind it applies to; null for any
     * @param when    further conditions on fields
     * @param name    the name the label shows (default: the value)
     * @param fields  fields this entry's frames carry, with their types: checked, and used to recognise the
     *                entry behind a value the table does not know
     * @param summary the one-line summary
     * @param note    what the document says about it
     */
    public record MessageSpec(String value, String from, Kind kind, When when, String name,
                              Map<JsonPath, FieldType> fields, Template summary, String note) {
        public MessageSpec {
            when = when == null ? When.ALWAYS : when;
            fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
            When.parseFrom(from);
        }

        public Direction direction() {
            return When.parseFrom(from);
        }
    }
}
