package dev.sockscope.ui.views;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FallbackDecoder;
import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.Trees;
import dev.sockscope.recordings.RecordingException;
import dev.sockscope.recordings.RecordingStore;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame's decoded tree with secrets masked, as {@code frames --tree} and the frame detail of the HTTP API show it: by
 * the session's decoder when it decoded the frame (made again from the stored frame, after the stored frames before it
 * that the decoder asks for, {@link Trees}), else as the generic fallback reads it (JSON, MessagePack, CBOR, gzip...).
 */
public final class DecodedTree {
    private final SessionRecord session;
    private final ProtocolDecoder decoder;
    private final RecordingStore store;
    private final SecretMasker masker;

    public DecodedTree(SessionRecord session, ProtocolRegistry registry, RecordingStore store, SecretMasker masker) {
        this.session = session;
        this.decoder = registry.decoderOf(session.protocol()).orElse(null);
        this.store = store;
        this.masker = masker;
    }

    /** The tree, or null. A recording made with --keep-secrets holds them raw: masked here. */
    public JsonNode of(StoredFrame f) {
        if (decoder != null && f.decoding() != null && decoder.name().equals(f.decoding().protocol())) {
            return Trees.of(decoder, session.info(), before(f.seq()), f.frame(), masker);
        }
        // Frames the fallback read: JSON (with base64 and compressed payloads inside opened), binary formats it knows.
        JsonNode generic = Trees.standalone(FallbackDecoder.INSTANCE, session.info(), f.frame(), masker);
        if (generic != null || f.frame().type() != FrameType.TEXT) {
            return generic;
        }
        return PayloadMasker.maskedTree(f.frame().payload(), masker);
    }

    /** The stored frames right before {@code seq} that the decoder needs, oldest first; none if they cannot be read. */
    private List<RecordedFrame> before(long seq) {
        int context = decoder.treeContext();
        if (context <= 0 || seq <= 1) {
            return List.of();
        }
        long from = Math.max(0, seq - 1 - context);
        try {
            return store.frames(session.id(), from, (int) (seq - 1 - from));
        } catch (RecordingException e) {
            return List.of(); // the tree of the frame alone: a partial view rather than none
        }
    }
}
