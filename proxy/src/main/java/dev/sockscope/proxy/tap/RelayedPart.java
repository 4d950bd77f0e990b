package dev.sockscope.proxy.tap;

/**
 * What the relay had forwarded of a message when it stopped (the proxy closed the session): whole fragments, their
 * payload bytes, and when. The recorded message is stamped with that time and says how much of it went through.
 */
record RelayedPart(int fragments, long payloadBytes, long atMicros) {

    /** The recording's note for the whole message, which ended up with {@code allFragments} and {@code allPayloadBytes}. */
    String note(int allFragments, long allPayloadBytes) {
        int after = allFragments - fragments;
        return "relayed in part: its first " + plural(fragments, "fragment") + " (" + payloadBytes
                + " payload bytes) went through before the proxy closed the session; "
                + (after == 0 ? "no more of it was sent"
                        : (after == 1 ? "the fragment after that" : "the " + after + " fragments after that")
                        + " (" + (allPayloadBytes - payloadBytes) + " payload bytes) " + (after == 1 ? "was" : "were")
                        + " not relayed");
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
