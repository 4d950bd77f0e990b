package dev.sockscope.ui.views;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SpecDecoder;
import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.FrameType;

/**
 * A frame's decoded tree (nested JSON strings unwrapped) with secrets masked, as {@code frames --tree} and the
 * frame detail of the HTTP API show it: by the session's protocol when that decoded the frame, else as plain JSON.
 */
public final class DecodedTree {
    private final SpecDecoder decoder;
    private final SecretMasker masker;

    public DecodedTree(SessionRecord session, ProtocolRegistry registry, SecretMasker masker) {
        this.decoder = session.protocol() == null ? null : registry.find(session.protocol()).orElse(null);
        this.masker = masker;
    }

    /** The tree, or null for frames that are not text. A recording made with --keep-secrets holds them raw: masked here. */
    public JsonNode of(StoredFrame f) {
        if (f.frame().type() != FrameType.TEXT) {
            return null;
        }
        if (decoder != null && f.decoding() != null && decoder.name().equals(f.decoding().protocol())) {
            return decoder.tree(f.frame(), masker);
        }
        return PayloadMasker.maskedTree(f.frame().payload(), masker);
    }
}
