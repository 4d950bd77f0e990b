package dev.sockscope.proxy.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Waiting for what a test peer received, with a deadline. */
final class Queues {
    private Queues() {
    }

    static <T> T next(BlockingQueue<T> queue, String what) throws InterruptedException {
        T item = queue.poll(10, TimeUnit.SECONDS);
        if (item == null) {
            throw new AssertionError(what + " within 10 s");
        }
        return item;
    }
}
