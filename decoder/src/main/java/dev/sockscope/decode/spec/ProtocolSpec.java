package dev.sockscope.decode.spec;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.google.re2j.Pattern;

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
 * @param framing     how a frame's text is cut into records before JSON (a prefix, a separator, a command line and
 *                    headers), or null when each frame is one JSON document
 * @param secrets     field paths whose values are credentials: masked in summaries and in stored payloads
 * @param jsonStrings field paths whose string values are JSON documents (decoded in place)
 * @param label       where a frame's label comes from
 * @param kinds       rules that say a frame's kind, first match wins
 * @param correlate   how answers pair with requests: rules, each with its own keys (empty when nothing pairs)
 * @param messages    the table: one entry per opcode or event name (and direction or condition), first match wins
 * @param closeCodes  close codes the protocol gives a meaning to
 * @param headers     handshake headers worth showing, with what they mean
 * @param volatileFields fields whose values change from run to run (times, ids, renumbered sequence numbers): a
 *                    replay does not compare them ({@code volatile} in the file)
 */
public record ProtocolSpec(String protocol, String title, String source, Detect detect, Framing framing, List<JsonPath> secrets,
                           List<JsonPath> jsonStrings, LabelSpec label, List<KindRule> kinds,
                           @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Correlate> correlate,
                           List<MessageSpec> messages, Map<Integer, String> closeCodes, Map<String, String> headers,
                           @com.fasterxml.jackson.annotation.JsonProperty("volatile") List<FieldPattern> volatileFields) {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

    public ProtocolSpec {
        if (protocol == null || !NAME.matcher(protocol).matches()) {
            throw new IllegalArgumentException("protocol: a spec needs a short lower-case name such as 'json-rpc'"
                    + (protocol == null ? "" : ", got '" + protocol + "'"));
        }
        title = title == null ? protocol : title;
        detect = detect == null ? new Detect(null, null) : detect;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        jsonStrings = jsonStrings == null ? List.of() : List.copyOf(jsonStrings);
        label = label == null ? new LabelSpec(null, null, null, null, null, null) : label;
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        correlate = correlate == null ? List.of() : List.copyOf(correlate);
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
     * @param anyValue  a value the table lacks is a label like any other, without a warning (for protocols whose
     *                  values are the application's own: JSON-RPC methods, event names)
     */
    public record LabelSpec(List<JsonPath> fields, String separator, Template format, Template unknown, Template guess,
                            Boolean anyValue) {
        public LabelSpec {
            anyValue = anyValue != null && anyValue;
            fields = fields == null ? List.of() : List.copyOf(fields);
            separator = separator == null ? "/" : separator;
            format = format == null ? Template.parse("{name}") : format;
            unknown = unknown == null ? Template.parse("{value}") : unknown;
            guess = guess == null ? Template.parse("{name}? ({value})") : guess;
        }
    }

    /**
     * A frame matching {@code when} has this kind; {@code warning}, if given, is attached to it; {@code label}, if
     * given, is its label whatever the table says (a heart-beat that has no label field).
     */
    public record KindRule(When when, Kind kind, String warning, Template label) {
        public KindRule {
            when = when == null ? When.ALWAYS : when;
            if (kind == null) {
                throw new IllegalArgumentException("kind: every rule under kinds needs a kind");
            }
        }
    }

    /**
     * One way answers pair with requests. Requests (frames from {@code requestsFrom} of a kind in {@code requests},
     * matching {@code requestWhen}) wait for answers (frames from the other peer of a kind in {@code responses},
     * matching {@code responseWhen}) whose {@code responseKey} has the value of the request's {@code requestKey}
     * (both {@code key} unless given), oldest first; keys are per value of {@code namespace} when it is given.
     *
     * @param requestsFrom client (default), server, or both: requests from either peer, answered by the other
     * @param stream       answers matching this are items of a stream: the request stays open for more, until an
     *                     answer that does not match (GraphQL's next until complete)
     * @param cancel       frames of the requester matching this (with the request key) end its request without an
     *                     answer (unsubscribe)
     * @param optional     requests matching this may rightly get no answer: never listed as unanswered
     * @param label        "request": answers take their request's label; "own" (default): they keep theirs, unless
     *                     their label value is unknown or missing
     */
    public record Correlate(JsonPath key, JsonPath requestKey, JsonPath responseKey, List<Kind> requests, List<Kind> responses,
                            String requestsFrom, When requestWhen, When responseWhen, When stream, When cancel, When optional,
                            JsonPath namespace, String label) {
        public Correlate {
            requestKey = requestKey != null ? requestKey : key;
            responseKey = responseKey != null ? responseKey : key;
            if (requestKey == null || responseKey == null) {
                throw new IllegalArgumentException("correlate.key: the field that pairs a response with its request"
                        + " (seq, id, name) is required, or both requestKey and responseKey");
            }
            requests = requests == null ? List.of(Kind.REQUEST) : List.copyOf(requests);
            responses = responses == null ? List.of(Kind.RESPONSE, Kind.ERROR) : List.copyOf(responses);
            requestsFrom = requestsFrom == null ? "client" : requestsFrom.trim();
            if (!List.of("client", "server", "both").contains(requestsFrom)) {
                throw new IllegalArgumentException("correlate.requestsFrom: '" + requestsFrom + "' is not client, server or both");
            }
            if (label != null && !label.equals("request") && !label.equals("own")) {
                throw new IllegalArgumentException("correlate.label: '" + label + "' is not request or own");
            }
        }

        /** The peer whose frames are requests, or null for both. */
        public Direction requestDirection() {
            return requestsFrom.equals("both") ? null : When.parseFrom(requestsFrom);
        }

        /** Whether answers always take their request's label. */
        public boolean answersTakeRequestLabel() {
            return "request".equals(label);
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
