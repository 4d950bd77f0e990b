package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.SessionInfo;

/**
 * Chooses a session's decoder as Wireshark chooses a dissector, first match wins:
 * <ol>
 *   <li>the user's {@code --protocol} for the route;</li>
 *   <li>a decoder that claims the subprotocol the upstream selected, else one the client offered (the
 *       {@linkplain ProtocolDecoder#subprotocols() table});</li>
 *   <li>strong {@linkplain ProtocolDecoder#evidence handshake evidence} (one decoder's, unambiguous); weak evidence
 *       alone never chooses, it only ranks the candidates of the next step;</li>
 *   <li>the first of the first {@value #CONTENT_TRIES} data frames a candidate {@linkplain ProtocolDecoder#recognises
 *       recognises};</li>
 *   <li>the fallback.</li>
 * </ol>
 * A choice is final: the session decoder pins it.
 */
final class DecoderChoice {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderChoice.class);
    static final int CONTENT_TRIES = 3;
    /** Decoders whose detection threw, said once per process so that a broken plug-in does not flood the log. */
    private static final java.util.Set<String> FAILED_ONCE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A decision: the decoder (null for the fallback) and why, as {@code protocolReason} shows it. */
    record Chosen(ProtocolDecoder decoder, String reason) {
    }

    private final Chosen atOpen;
    private final List<ProtocolDecoder> candidates;
    private int tries;

    private DecoderChoice(Chosen atOpen, List<ProtocolDecoder> candidates) {
        this.atOpen = atOpen;
        this.candidates = candidates;
    }

    static DecoderChoice start(ProtocolRegistry registry, SessionInfo session) {
        String forced = session.protocol();
        if (forced != null) {
            if (forced.equals(FallbackDecoder.NAME)) {
                return new DecoderChoice(new Chosen(null, "chosen with --protocol " + forced), List.of());
            }
            return registry.find(forced)
                    .map(d -> new DecoderChoice(new Chosen(d, "chosen with --protocol " + forced), List.of()))
                    .orElseGet(() -> new DecoderChoice(new Chosen(null, "--protocol " + forced + " names no known protocol; decoded as generic"), List.of()));
        }
        Map<ProtocolDecoder, Evidence> evidence = new LinkedHashMap<>();
        for (ProtocolDecoder d : registry.decoders()) {
            evidence.put(d, evidenceOf(d, session));
        }
        Chosen bySubprotocol = bySubprotocol(registry.decoders(), session.handshake(), evidence);
        if (bySubprotocol != null) {
            return new DecoderChoice(bySubprotocol, List.of());
        }
        List<ProtocolDecoder> ranked = new ArrayList<>(registry.decoders());
        ranked.sort((a, b) -> Long.compare(evidence.get(b).rank(), evidence.get(a).rank()));
        if (!ranked.isEmpty()) {
            Evidence best = evidence.get(ranked.get(0));
            boolean unique = ranked.size() == 1 || evidence.get(ranked.get(1)).rank() < best.rank();
            if (best.isStrong() && unique) {
                return new DecoderChoice(new Chosen(ranked.get(0), "handshake: " + String.join(", ", best.reasons())), List.of());
            }
        }
        return new DecoderChoice(null, List.copyOf(ranked));
    }

    /** The subprotocol the upstream selected, else the first the client offered, that a decoder claims. */
    private static Chosen bySubprotocol(List<ProtocolDecoder> decoders, Handshake h, Map<ProtocolDecoder, Evidence> evidence) {
        List<String> wanted = new ArrayList<>();
        if (h.subprotocol() != null) {
            wanted.add(h.subprotocol());
        }
        wanted.addAll(Handshakes.offeredSubprotocols(h));
        for (String sp : wanted) {
            for (ProtocolDecoder d : decoders) {
                if (claims(d, sp)) {
                    List<String> reasons = new ArrayList<>();
                    reasons.add("subprotocol " + sp);
                    // The one subprotocol that decided; the other evidence (a path, a header) as it was.
                    evidence.get(d).reasons().stream().filter(r -> !r.startsWith("subprotocol ")).forEach(reasons::add);
                    return new Chosen(d, "handshake: " + String.join(", ", reasons));
                }
            }
        }
        return null;
    }

    private static boolean claims(ProtocolDecoder d, String subprotocol) {
        try {
            for (String claimed : d.subprotocols()) {
                if (claimed.equalsIgnoreCase(subprotocol)) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("the {} decoder failed to list its subprotocols: {}", d.name(), e.toString());
        }
        return false;
    }

    private static Evidence evidenceOf(ProtocolDecoder d, SessionInfo session) {
        try {
            Evidence e = d.evidence(session);
            return e == null ? Evidence.NONE : e;
        } catch (RuntimeException e) {
            if (FAILED_ONCE.add(d.name())) {
                LOG.warn("the {} decoder failed on the handshake of session {} (counted as no evidence; said once): {}",
                        d.name(), session.id(), e.toString());
            }
            return Evidence.NONE;
        }
    }

    /** The decision the handshake (or the user) made, or null when the data frames decide. */
    Chosen atOpen() {
        return atOpen;
    }

    /**
     * The decision an undecided session's data frame makes: a candidate that recognises it, or the fallback after
     * {@value #CONTENT_TRIES} frames nobody recognised; null while still undecided.
     */
    Chosen onDataFrame(FrameInput frame) {
        for (ProtocolDecoder c : candidates) {
            if (recognises(c, frame)) {
                return new Chosen(c, "content: frame " + frame.seq() + " matches the " + c.name()
                        + (c instanceof SpecDecoder ? " spec" : " decoder"));
            }
        }
        if (++tries >= CONTENT_TRIES) {
            return new Chosen(null, "no decoder recognised the first " + CONTENT_TRIES + " data frames");
        }
        return null;
    }

    /** A data frame that was not offered to the candidates (too large to parse) still uses up a try. */
    void skipped() {
        tries++;
    }

    /** The decision of a session that ended undecided. */
    Chosen atEnd() {
        return new Chosen(null, tries == 0 ? "no data frames" : "no decoder recognised the data frames");
    }

    private static boolean recognises(ProtocolDecoder d, FrameInput frame) {
        try {
            return d.recognises(frame);
        } catch (RuntimeException e) {
            if (FAILED_ONCE.add(d.name())) {
                LOG.warn("the {} decoder failed to test frame {} of session {} (counted as not its frame; said once): {}",
                        d.name(), frame.seq(), frame.frame().sessionId(), e.toString());
            }
            return false;
        }
    }
}
