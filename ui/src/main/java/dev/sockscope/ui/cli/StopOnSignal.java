package dev.sockscope.ui.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Closes resources, in the order given, when the JVM is asked to stop (Ctrl-C, SIGTERM), and lets a
 * command wait for that. {@link #close()} does the same at once, for a command that ends by itself.
 */
final class StopOnSignal implements AutoCloseable {
    private final List<AutoCloseable> resources;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::closeAll, "sockscope-shutdown");

    StopOnSignal(AutoCloseable... resources) {
        this.resources = List.of(resources);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until a signal has stopped everything. */
    void await() throws InterruptedException {
        stopped.await();
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
        stopped.countDown();
    }
}
