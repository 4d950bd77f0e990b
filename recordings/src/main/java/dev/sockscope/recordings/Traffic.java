package dev.sockscope.recordings;

/** Frames and payload bytes of a session each way: client to server, and server to client. */
public record Traffic(long clientFrames, long clientBytes, long serverFrames, long serverBytes) {
}
