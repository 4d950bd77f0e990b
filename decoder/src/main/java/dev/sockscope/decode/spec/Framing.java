package dev.sockscope.decode.spec;

import java.util.Locale;

import com.google.re2j.Pattern;

/**
 * How a spec cuts a text frame into records before it reads them, for protocols whose frames are not one JSON
 * document. Each record becomes a tree that the rest of the spec reads like a JSON frame:
 * <ul>
 *   <li>{@code separator}: the frame holds records separated (or terminated) by this text, such as SignalR's
 *       {@code "\u001e"}; empty records are skipped;</li>
 *   <li>{@code regex}: a prefix whose named groups become fields, the rest of the record being the body
 *       ({@code '^(?P<type>\d)(?:(?P<nsp>/[^,]*),)?(?P<ack>\d+)?'} reads Socket.IO's {@code 2/admin,17["chat",1]} as
 *       {@code {type: "2", nsp: "/admin", ack: "17", body: ["chat", 1]}});</li>
 *   <li>{@code lines}: a command line, {@code name:value} header lines, a blank line and a body ended by NUL, as STOMP
 *       writes them: {@code {command, headers: {...}, body}}; a record of nothing but line ends is {@code {}} (a
 *       heart-beat);</li>
 *   <li>{@code batch}: a frame that is a JSON array holds one record per element (JSON-RPC batches); any other JSON
 *       frame is one record.</li>
 * </ul>
 * {@code separator} combines with a regex or lines. The body is JSON when it parses ({@code body: auto}, the
 * default), always ({@code json}: a body that does not parse is a warning) or never ({@code text}); it is left out
 * when empty. Binary frames are not the spec's (a warning) unless {@code binary: text}: then one that is valid UTF-8
 * is read as text (some STOMP brokers send binary frames).
 *
 * @param bodyField the field that holds the body (default {@code body})
 */
public record Framing(String separator, Pattern regex, Boolean lines, Boolean batch, String body, String bodyField, String binary) {
    public Framing {
        lines = lines != null && lines;
        batch = batch != null && batch;
        binary = binary == null ? "refuse" : binary.trim();
        if (!binary.equals("refuse") && !binary.equals("text")) {
            throw new IllegalArgumentException("framing.binary: '" + binary + "' is not text or refuse");
        }
        if (batch && (regex != null || lines || separator != null)) {
            throw new IllegalArgumentException("framing: batch reads frames that are JSON arrays; it takes no separator, regex or lines");
        }
        if (regex != null && lines) {
            throw new IllegalArgumentException("framing: give regex or lines, not both");
        }
        if (separator != null && separator.isEmpty()) {
            throw new IllegalArgumentException("framing.separator: must not be empty");
        }
        if (separator == null && regex == null && !lines && !batch) {
            throw new IllegalArgumentException("framing: give a separator, a regex, lines: true or batch: true (or leave framing out)");
        }
        body = body == null ? "auto" : body.trim().toLowerCase(Locale.ROOT);
        if (!body.equals("auto") && !body.equals("json") && !body.equals("text")) {
            throw new IllegalArgumentException("framing.body: '" + body + "' is not auto, json or text");
        }
        bodyField = bodyField == null || bodyField.isBlank() ? "body" : bodyField.trim();
        if (regex != null && regex.namedGroups().containsKey(bodyField)) {
            throw new IllegalArgumentException("framing.regex: a group is named '" + bodyField + "', like the body field");
        }
    }
}
