package dev.sockscope.wire;

import java.util.Locale;

/**
 * Where a recorded frame came from and what became of it, when that is not simply "read from the wire and delivered":
 * a message the user edited (the original kept beside it), injected or dropped, one the proxy sent itself, one held
 * for a while. A frame without one ({@code null}) came from the wire and was delivered at once.
 *
 * @param origin     who made the bytes that were sent
 * @param delivery   whether they reached the receiver
 * @param heldMicros how long the message was held before it went (or was dropped); 0 if it never was
 * @param original   the message as the sender sent it, when it was edited (its payload type in {@code originalType});
 *                   else null
 * @param by         who asked for what was done, when a rule did ({@code rule slow-login}); else null
 * @param effect     what was done, in words ({@code delayed 250 ms}, {@code duplicate (copy 1)}); else null
 */
public record Provenance(Origin origin, Delivery delivery, long heldMicros, byte[] original, FrameType originalType,
                         String by, String effect) {
    /** Who made the bytes. */
    public enum Origin {
        /** A peer sent them; the proxy relayed them. */
        WIRE,
        /** A peer sent a message; the user changed it before it went on. */
        USER_EDITED,
        /** The user sent it into the session. */
        USER_INJECTED,
        /** The proxy sent it of its own accord (its close at shutdown or idle timeout). */
        PROXY,
        /** A rule changed or sent it (reserved for the rules engine). */
        RULE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Origin fromLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** What became of it. */
    public enum Delivery {
        DELIVERED,
        /** The user (or a rule) dropped it: the receiver never got it. */
        DROPPED,
        /** It was not sent: the session closed (by the user, the proxy or a peer) while it waited. */
        NOT_SENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final Provenance INJECTED = new Provenance(Origin.USER_INJECTED, Delivery.DELIVERED, 0, null, null);
    public static final Provenance PROXY = new Provenance(Origin.PROXY, Delivery.DELIVERED, 0, null, null);

    /** Provenance without a rule's say (the user's and the proxy's own doings). */
    public Provenance(Origin origin, Delivery delivery, long heldMicros, byte[] original, FrameType originalType) {
        this(origin, delivery, heldMicros, original, originalType, null, null);
    }

    /**
     * What a rule did: {@code by} names it ({@code rule slow-login}), {@code effect} says what it did; {@code original}
     * is the message as its sender sent it when the rule sent something else instead (else null).
     */
    public static Provenance rule(String by, String effect, Delivery delivery, long heldMicros, byte[] original,
                                  FrameType originalType) {
        return new Provenance(Origin.RULE, delivery, heldMicros, original, originalType, by, effect);
    }

    /** "delayed 250 ms by rule slow-login", or null when no rule had a say. */
    public String ruleSays() {
        if (effect == null) {
            return null;
        }
        return by == null ? effect : effect + " by " + by;
    }

    public static Provenance edited(byte[] original, FrameType originalType, long heldMicros) {
        return new Provenance(Origin.USER_EDITED, Delivery.DELIVERED, heldMicros, original, originalType);
    }

    /** A message from the wire that waited {@code heldMicros} and then met {@code delivery}. */
    public static Provenance wire(Delivery delivery, long heldMicros) {
        return new Provenance(Origin.WIRE, delivery, heldMicros, null, null);
    }

    /** The same with another delivery (a held message the session's close left unsent). */
    public Provenance with(Delivery other) {
        return new Provenance(origin, other, heldMicros, original, originalType, by, effect);
    }

    /** The same with the original replaced (masked for storage), or dropped (null). */
    public Provenance withOriginal(byte[] other) {
        return new Provenance(origin, delivery, heldMicros, other, other == null ? null : originalType, by, effect);
    }
}
