package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.time.Duration;

import dev.sockscope.wire.Direction;

/**
 * What a {@link PassThroughSession} asks of the network. The Jetty adapter implements it over two
 * endpoints; tests implement it with queues. A "direction" names the bytes' sender: writing for
 * {@code CLIENT_TO_SERVER} writes to the upstream.
 */
public interface Sockets {
    /** Writes bytes to the receiver of {@code direction}; calls {@code done} once, with null or the failure. */
    void write(Direction direction, ByteBuffer[] bytes, Completion done);

    /** Half-closes toward the receiver of {@code direction} (TCP FIN), as its sender did. */
    void shutdownOutput(Direction direction);

    /** Closes both connections now. */
    void closeBoth();

    /** Runs {@code task} once after {@code delay} unless the session has ended. */
    void schedule(Duration delay, Runnable task);

    interface Completion {
        void completed(Throwable failure);
    }
}
