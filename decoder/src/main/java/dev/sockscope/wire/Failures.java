package dev.sockscope.wire;

/** What went wrong under each layer's wrapping: the one place that walks a failure's causes to the innermost. */
public final class Failures {
    private Failures() {
    }

    /** The innermost cause (the failure itself when it has none). */
    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost cause's message; the outermost one when it has none; its class name when neither has one. */
    public static String rootMessage(Throwable t) {
        Throwable root = rootCause(t);
        if (root.getMessage() != null) {
            return root.getMessage();
        }
        return t.getMessage() != null ? t.getMessage() : root.getClass().getSimpleName();
    }
}
