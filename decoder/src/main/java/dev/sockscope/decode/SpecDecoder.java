package dev.sockscope.decode;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.re2j.Pattern;

import dev.sockscope.decode.spec.ProtocolSpec;
import dev.sockscope.decode.spec.ProtocolSpec.HandshakeEvidence;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.QueryString;
import dev.sockscope.wire.SessionInfo;

/**
 * A protocol described by a spec file ({@link ProtocolSpec}): the five built-in protocols and every user spec
 * ({@code --protocols DIR}). Stateless: its readers ({@link SpecReader}) read each frame on its own and say what it
 * asks and answers; the session pairs them.
 */
public final class SpecDecoder implements ProtocolDecoder {
    private final ProtocolSpec spec;
    private final SpecRecords records;
    private final List<SpecCorrelation> correlations;

    public SpecDecoder(ProtocolSpec spec) {
        this.spec = spec;
        this.records = new SpecRecords(spec);
        this.correlations = SpecCorrelation.of(spec.correlate());
    }

    @Override
    public String name() {
        return spec.protocol();
    }

    public ProtocolSpec spec() {
        return spec;
    }

    @Override
    public String title() {
        return spec.title();
    }

    @Override
    public String source() {
        return spec.source();
    }

    @Override
    public String detection() {
        HandshakeEvidence h = spec.detect().handshake();
        List<String> by = new ArrayList<>();
        h.subprotocols().forEach(x -> by.add("subprotocol " + x));
        h.headers().keySet().forEach(x -> by.add("header " + x));
        h.cookies().forEach(x -> by.add("cookie " + x));
        if (spec.detect().content() != null) {
            by.add("content");
        }
        return by.isEmpty() ? "--protocol only" : String.join(", ", by);
    }

    @Override
    public List<String> subprotocols() {
        return spec.detect().handshake().subprotocols();
    }

    /** Subprotocols, headers and cookies are strong evidence; query parameters, the path and the upstream host weak. */
    @Override
    public Evidence evidence(SessionInfo session) {
        HandshakeEvidence e = spec.detect().handshake();
        Handshake h = session.handshake();
        List<Evidence.Item> items = new ArrayList<>();
        List<String> offered = Handshakes.offeredSubprotocols(h);
        for (String sp : e.subprotocols()) {
            if (offered.stream().anyMatch(o -> o.equalsIgnoreCase(sp))) {
                items.add(new Evidence.Item(true, "subprotocol " + sp));
            }
        }
        for (Map.Entry<String, Pattern> want : e.headers().entrySet()) {
            for (Header header : h.requestHeaders()) {
                if (header.name().equalsIgnoreCase(want.getKey())
                        && (want.getValue() == null || want.getValue().matcher(header.value()).find())) {
                    items.add(new Evidence.Item(true, "header " + want.getKey()));
                    break;
                }
            }
        }
        Map<String, String> cookies = Handshakes.cookies(h);
        for (String cookie : e.cookies()) {
            if (cookies.containsKey(cookie)) {
                items.add(new Evidence.Item(true, "cookie " + cookie));
            }
        }
        Map<String, String> query = QueryString.decoded(h.query());
        for (String param : e.query()) {
            if (query.containsKey(param)) {
                items.add(new Evidence.Item(false, "query " + param));
            }
        }
        if (e.path() != null && h.path() != null && e.path().matcher(h.path()).find()) {
            items.add(new Evidence.Item(false, "path " + h.path()));
        }
        if (e.host() != null) {
            String host = upstreamHost(session);
            if (host != null && e.host().matcher(host).find()) {
                items.add(new Evidence.Item(false, "host " + host));
            }
        }
        return new Evidence(items);
    }

    private static String upstreamHost(SessionInfo s) {
        try {
            return s.upstream() == null ? null : URI.create(s.upstream()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The spec's content test on the frame's JSON, or on the first record its framing cuts. */
    @Override
    public boolean recognises(FrameInput frame) {
        if (spec.detect().content() == null) {
            return false;
        }
        if (spec.framing() == null) {
            return records.recognises(frame.json());
        }
        if (frame.type() != FrameType.TEXT) {
            return false;
        }
        List<SpecFraming.Record> cut = SpecFraming.cut(spec.framing(), frame.text());
        return !cut.isEmpty() && records.recognises(cut.get(0).tree());
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new SpecReader(this, context.masker());
    }

    /** The spec's secret paths, masked before reading when frames are JSON; with framing, the reader finds them. */
    @Override
    public List<JsonPath> secretFields() {
        return spec.framing() == null ? spec.secrets() : List.of();
    }

    @Override
    public Map<String, String> headerMeanings() {
        return spec.headers();
    }

    @Override
    public Map<Integer, String> closeCodes() {
        return spec.closeCodes();
    }

    @Override
    public Scripting scripting() {
        return new SpecScripting(this);
    }

    SpecRecords records() {
        return records;
    }

    List<SpecCorrelation> correlations() {
        return correlations;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
