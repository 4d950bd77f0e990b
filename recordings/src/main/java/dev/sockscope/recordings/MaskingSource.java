package dev.sockscope.recordings;

import dev.sockscope.secrets.SecretMasker;

/** Where a store's masking key comes from: one key per store, so a secret masks to the same tag whoever records it. */
public interface MaskingSource {

    /**
     * Masks secrets under the store's key (so that a token masks the same way in every session recorded there); the
     * key itself is never part of any stored or shown value.
     */
    SecretMasker masker();
}
