package dev.sockscope.proxy.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Waiting for what a test peer received, with a deadline. */
final class Queues {
    private Queues() {
    }

    static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
        return next(queue, what, java.time.Duration.ofSeconds(10));
    }

    static <T> T next(BlockingQueue<T> queue, String what, java.time.Duration deadline) throws InterruptedException {
        T item = queue.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            throw new AssertionError(what + " within " + deadline.toSeconds() + " s");
        }
        return item;
    }
}
