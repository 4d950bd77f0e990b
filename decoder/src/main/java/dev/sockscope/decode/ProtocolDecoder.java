package dev.sockscope.decode;

import java.util.List;
import java.util.Map;

import dev.sockscope.wire.SessionInfo;

/**
 * The one place protocol knowledge plugs in: a spec file ({@link SpecDecoder}), a built-in Java decoder, a plug-in jar
 * ({@code --plugins DIR}, found with {@link java.util.ServiceLoader}), the generic fallback and the control frames all
 * implement it, and nothing else in Sockscope knows a protocol.
 *
 * <p>Sockscope chooses a decoder for a session as Wireshark chooses a dissector ({@link DecoderChoice}): the user's
 * {@code --protocol}; then a decoder that claims the negotiated {@link #subprotocols() subprotocol}; then strong
 * {@link #evidence handshake evidence}; then the first of the first data frames a decoder {@link #recognises}; then the
 * fallback. The chosen decoder is pinned for the session and {@link #open opened} once; its {@link FrameReader} then
 * reads every frame of the session in order, on one thread, and says what each is as a {@link DecodeResult}.
 *
 * <p>Rules every implementation keeps:
 * <ul>
 *   <li>Nothing here throws for any input. A throw is caught, logged and costs the frame its label (recorded with a
 *       {@code decoder-failed} warning), never the frame or the session; from {@link #recognises} or
 *       {@link #evidence} it counts as "no".</li>
 *   <li>{@link #recognises} is cheap: it runs on each of the first data frames of every undecided session.</li>
 *   <li>What a decoder shows (label, summary, tree, warnings) holds no secret: the reader masks what it knows to be a
 *       credential with {@link DecoderContext#masker()} and says where it is in the payload
 *       ({@link DecodeResult.Decoded#secrets()}), so that the stored copy is masked too.</li>
 * </ul>
 * Only {@link #name()} and {@link #open} are required.
 */
public interface ProtocolDecoder {

    /**
     * Short lower-case name, such as {@code socket.io} or {@code json-rpc}: what {@code --protocol NAME} takes, the
     * protocol of the session and of every frame this decoder reads.
     */
    String name();

    /** What the protocol is, for people ({@code sockscope protocols}). */
    default String title() {
        return name();
    }

    /** Where the protocol is documented (a URL or a document), or null. */
    default String source() {
        return null;
    }

    /** How the decoder recognises its protocol, for people ({@code sockscope protocols}): "subprotocol mqtt, content". */
    default String detection() {
        List<String> claimed = subprotocols();
        return claimed.isEmpty() ? "handshake or content" : "subprotocol " + String.join(", ", claimed) + "; content";
    }

    /**
     * Registered WebSocket subprotocols this decoder claims ({@code graphql-transport-ws}, {@code v12.stomp},
     * {@code mqtt}): a session that negotiated one of them is this decoder's without further evidence. Compared
     * without case.
     */
    default List<String> subprotocols() {
        return List.of();
    }

    /**
     * What the upgrade request says about this protocol: strong items (enough to choose it, such as a path
     * {@code /socket.io/} with {@code EIO=4}) and weak ones (a path alone: they only rank the decoders whose content
     * tests are tried first). {@link Evidence#NONE} when it says nothing.
     */
    default Evidence evidence(SessionInfo session) {
        return Evidence.NONE;
    }

    /**
     * Whether an early data frame (text or binary; never a control frame) is this protocol's. Must be cheap and must
     * not change the frame's shared JSON tree. Asked of each of the first {@value DecoderChoice#CONTENT_TRIES} data
     * frames of an undecided session; the first decoder to say yes is chosen.
     */
    default boolean recognises(FrameInput frame) {
        return false;
    }

    /**
     * The reader of one session's frames, holding whatever state the protocol needs (a byte stream to reassemble,
     * attachments awaited, streams open). Called once per session when this decoder is chosen, and again to read
     * stored frames when the inspector asks for a frame's tree ({@link #treeContext()}).
     */
    FrameReader open(DecoderContext context);

    /**
     * How many stored frames before a frame its tree needs. The inspector's tree of a stored frame is what a fresh
     * {@link #open reader} makes of it after reading these frames first ({@link Trees}). 0 (the default): each frame
     * reads alone, as every JSON protocol does. A stateful protocol asks for a bounded window (MQTT's packets split
     * over a few frames, Socket.IO's attachments after their packet) and must resynchronise within it.
     */
    default int treeContext() {
        return 0;
    }

    /**
     * JSON fields that hold credentials wherever a frame of this protocol is one JSON document ({@code payload.token}):
     * masked in the stored copy before the reader sees the frame, beside the conventional credential names
     * ({@code password}, {@code token}, ...) that are masked in every protocol. Secrets elsewhere (a header line, a
     * binary field, JSON after a prefix) are reported by the reader as {@link Secret}s.
     */
    default List<JsonPath> secretFields() {
        return List.of();
    }

    /** Handshake headers worth explaining in the session's decoded handshake: name to meaning. */
    default Map<String, String> headerMeanings() {
        return Map.of();
    }

    /** Close codes the protocol gives a meaning to, added to close frames' summaries: code to meaning. */
    default Map<Integer, String> closeCodes() {
        return Map.of();
    }

    /** What replay and mock need to compare and answer this protocol's frames. */
    default Scripting scripting() {
        return Scripting.NONE;
    }
}
