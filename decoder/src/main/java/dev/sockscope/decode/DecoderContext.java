package dev.sockscope.decode;

import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.SessionInfo;

/**
 * What a {@link FrameReader} is opened with.
 *
 * @param session the session: its handshake as it crossed the wire when decoding live (mask what you show from it),
 *                as stored (masked) when reading a stored frame again
 * @param masker  masks a credential for display ({@link SecretMasker#mask(String)}) under the recordings folder's key,
 *                so that the same secret masks the same in the label, the summary and the stored payload
 */
public record DecoderContext(SessionInfo session, SecretMasker masker) {
}
