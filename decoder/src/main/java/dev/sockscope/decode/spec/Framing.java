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
 *       heart-beat).</li>
 * </ul>
 * {@code separator} combines with either of the others. The body is JSON when it parses ({@code body: auto}, the
 * default), always ({@code json}: a body that does not parse is a warning) or never ({@code text}); it is left out
 * when empty.
 *
 * @param bodyField the field that holds the body (default {@code body})
 */
public record Framing(String separator, Pattern regex, Boolean lines, String body, String bodyField) {
    public Framing {
        lines = lines != null && lines;
        if (regex != null && lines) {
            throw new IllegalArgumentException("framing: give regex or lines, not both");
        }
        if (separator != null && separator.isEmpty()) {
            throw new IllegalArgumentException("framing.separator: must not be empty");
        }
        if (separator == null && regex == null && !lines) {
            throw new IllegalArgumentException("framing: give a separator, a regex or lines: true (or leave framing out)");
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
