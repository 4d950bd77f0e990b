package dev.sockscope.capture;

/** A subscriber to the relay's capture events. */
@FunctionalInterface
public interface CaptureListener extends BusListener<CaptureEvent> {
}
