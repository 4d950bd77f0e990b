package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * The tree of a stored frame, for the inspector, {@code frames --tree}, replay's comparison and mock's matching: not
 * stored, but made again when asked, by a fresh {@link FrameReader} of the session's decoder that first reads the
 * frames before it the decoder asks for ({@link ProtocolDecoder#treeContext()}; none for a JSON protocol). Every tree
 * has conventionally named credentials and JWT signatures masked, whatever the decoder did.
 */
public final class Trees {
    private static final Logger LOG = LoggerFactory.getLogger(Trees.class);
    /** Decoders whose trees failed, said once per process: {@code frames --tree} of a long session asks for thousands. */
    private static final java.util.Set<String> FAILED_ONCE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Trees() {
    }

    /**
     * The frame's tree as {@code decoder} reads it after {@code before} (the stored frames right before it, oldest
     * first; at most {@link ProtocolDecoder#treeContext()} of them are read). Null when the decoder gives none.
     */
    public static JsonNode of(ProtocolDecoder decoder, SessionInfo session, List<RecordedFrame> before, RecordedFrame frame,
                              SecretMasker masker) {
        try {
            FrameReader reader = decoder.open(new DecoderContext(session, masker));
            int context = Math.max(0, Math.min(decoder.treeContext(), before.size()));
            for (RecordedFrame f : before.subList(before.size() - context, before.size())) {
                read(reader, f);
            }
            return tree(read(reader, frame), masker);
        } catch (RuntimeException e) {
            if (FAILED_ONCE.add(decoder.name())) {
                LOG.warn("the {} decoder failed to make the tree of frame {} of session {} (said once): {}", decoder.name(), frame.seq(),
                        frame.sessionId(), e.toString());
            }
            return null;
        }
    }

    /** The tree of a frame read on its own. */
    public static JsonNode standalone(ProtocolDecoder decoder, SessionInfo session, RecordedFrame frame, SecretMasker masker) {
        return of(decoder, session, List.of(), frame, masker);
    }

    /** The trees of a whole session's frames, read in order by one reader (replay's comparison): null where there is none. */
    public static List<JsonNode> sequence(ProtocolDecoder decoder, SessionInfo session, List<RecordedFrame> frames, SecretMasker masker) {
        List<JsonNode> out = new ArrayList<>(frames.size());
        FrameReader reader;
        try {
            reader = decoder.open(new DecoderContext(session, masker));
        } catch (RuntimeException e) {
            LOG.warn("the {} decoder failed to open session {}: {}", decoder.name(), session.id(), e.toString());
            frames.forEach(f -> out.add(null));
            return out;
        }
        for (RecordedFrame f : frames) {
            JsonNode tree;
            try {
                tree = tree(read(reader, f), masker);
            } catch (RuntimeException e) {
                tree = null;
            }
            out.add(tree);
        }
        return out;
    }

    private static DecodeResult read(FrameReader reader, RecordedFrame f) {
        try {
            return reader.read(FrameInput.of(f));
        } catch (RuntimeException e) {
            return new DecodeResult.Failed("undecodable", e.toString());
        }
    }

    private static JsonNode tree(DecodeResult result, SecretMasker masker) {
        if (!(result instanceof DecodeResult.Decoded d)) {
            return null;
        }
        JsonNode tree = d.buildTree();
        if (tree != null) {
            PayloadMasker.maskTree(tree, masker, 0);
        }
        return tree;
    }
}
