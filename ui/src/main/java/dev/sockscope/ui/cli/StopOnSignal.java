package dev.sockscope.ui.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Closes resources, in the order given, when the JVM is asked to stop (Ctrl-C, SIGTERM), and lets a
 * command wait for that. {@link #close()} does the same at once, for a command that ends by itself.
 */
final class StopOnSignal implements AutoCloseable {
    private final List<AutoCloseable> resources;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread hook = new Thread(this::closeAll, "sockscope-shutdown");

    StopOnSignal(AutoCloseable... resources) {
        this.resources = List.of(resources);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until a signal has stopped everything. */
    void await() throws InterruptedException {
        awaitOr(new CompletableFuture<>());
    }

    /** Blocks until a signal has stopped everything or {@code other} completes, whichever comes first. */
    void awaitOr(CompletableFuture<?> other) throws InterruptedException {
        try {
            CompletableFuture.anyOf(stopped, other).get();
        } catch (ExecutionException e) {
            // other failed: that ends the wait as well
        }
    }

    @Override
    public void close() {
        Runtime.getRuntime().removeShutdownHook(hook);
        closeAll();
    }

    private void closeAll() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("sockscope: stopping " + r + " failed: " + e.getMessage());
            }
        }
        stopped.complete(null);
    }
}
