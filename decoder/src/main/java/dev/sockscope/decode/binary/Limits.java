package dev.sockscope.decode.binary;

/**
 * How far opening one payload may go: how many layers deep (base64 in gzip in MessagePack...), and how many bytes
 * decompressing may make in all, so that a small bomb cannot make a large tree.
 */
final class Limits {
    /** The most one payload (or one field inside it) may inflate to, all its layers together. */
    static final int MAX_INFLATED = 1 << 20;
    /** Layers inside layers: a gzip inside a base64 string inside a MessagePack map is three. */
    static final int MAX_LAYERS = 4;
    /** Nesting inside one format (maps in maps, messages in messages). */
    static final int MAX_DEPTH = 64;

    private int inflated;
    private final int layer;
    private final Limits root;

    private Limits(Limits root, int layer) {
        this.root = root == null ? this : root;
        this.layer = layer;
    }

    static Limits fresh() {
        return new Limits(null, 0);
    }

    /** The limits one layer further in, sharing the inflation budget. */
    Limits inner() {
        return new Limits(root, layer + 1);
    }

    boolean deeperAllowed() {
        return layer + 1 < MAX_LAYERS;
    }

    boolean outermost() {
        return layer == 0;
    }

    /** Bytes still allowed to inflate. */
    int inflateBudget() {
        return MAX_INFLATED - root.inflated;
    }

    void inflated(int bytes) {
        root.inflated += bytes;
    }
}
