package dev.sockscope.capture;

/**
 * The bus the relay publishes to. Its lossless subscriber (the decoding stage) turns a full queue into TCP
 * backpressure: the relay asks {@link #whenCapacity} before it reads the next frame from a socket.
 */
public final class CaptureBus extends EventBus<CaptureEvent> {
    /** Bytes an event costs beyond its payload, for queue accounting. */
    static final int EVENT_OVERHEAD = 128;

    public CaptureBus() {
        super(CaptureBus::weightOf);
    }

    static long weightOf(CaptureEvent event) {
        if (event instanceof CaptureEvent.FrameCaptured f) {
            return EVENT_OVERHEAD + f.frame().payload().length;
        }
        return EVENT_OVERHEAD * 8L;
    }
}
