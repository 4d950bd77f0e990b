package dev.sockscope.recordings;

/**
 * What applying a retention policy did: sessions deleted because they were older than the policy's days, and then
 * because the store was over its size (and the recorded bytes they held); the ended sessions the policy reached (older
 * than its days, or at least as old as the newest session it deleted for size) but kept because someone starred them
 * or a replay refers to them; and the store's recorded bytes afterwards (null when the policy has no size): the bytes of
 * its frame blocks and large payloads as stored, what {@code --keep-size} counts.
 */
public record RetentionOutcome(int deletedByAge, int deletedBySize, long deletedBytes, int keptStarred, int keptReplayed,
                               Long storeBytes) {
    /** No policy: nothing deleted, nothing measured. */
    public static final RetentionOutcome NOTHING = new RetentionOutcome(0, 0, 0, 0, 0, null);

    public int deleted() {
        return deletedByAge + deletedBySize;
    }
}
