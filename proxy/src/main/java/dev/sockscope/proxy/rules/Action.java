package dev.sockscope.proxy.rules;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;

import dev.sockscope.wire.FrameType;

/** One thing a rule does to a message it matched. A rule may have several (delay and rewrite, forward then close). */
public sealed interface Action {
    /** The name counted per rule and shown in the API ({@code delay}, {@code drop}, ...). */
    String label();

    /** Holds the message this long before it goes; later messages of the direction wait too unless {@code reorder}. */
    record Delay(Jitter jitter, boolean reorder) implements Action {
        public String label() {
            return "delay";
        }
    }

    /** The message never reaches its receiver. */
    record Drop() implements Action {
        public String label() {
            return "drop";
        }
    }

    /** The message goes {@code 1 + copies} times. */
    record Duplicate(int copies) implements Action {
        public String label() {
            return "duplicate";
        }
    }

    /**
     * Other content instead: first the whole body ({@code body}, a template or a file; null keeps the message), then
     * each JSON pointer set and removed, then each regex replaced.
     */
    record Rewrite(Content body, Map<String, JsonNode> set, List<String> remove, List<RegexReplace> replace) implements Action {
        public String label() {
            return "rewrite";
        }
    }

    /** A regex (RE2) and its replacement ({@code $1} for a group), applied to the message's text. */
    record RegexReplace(Pattern regex, String with) {
    }

    /** A reply goes back to the sender and the message is not forwarded: one call stubbed, the rest real. */
    record Answer(Content content) implements Action {
        public String label() {
            return "answer";
        }
    }

    /** The message goes, then this one after it, in the same direction. */
    record Inject(Content content) implements Action {
        public String label() {
            return "inject";
        }
    }

    /** The message is sent as this many frames (continuations). */
    record Refragment(int frames) implements Action {
        public String label() {
            return "refragment";
        }
    }

    /** The proxy closes the session with this code and reason: instead of the message, or just after it ({@code after:}). */
    record Close(int code, String reason, boolean afterForward) implements Action {
        public String label() {
            return "close";
        }
    }

    /** The TCP connections are cut without a close (the peers see 1006): instead of the message, or just after it. */
    record Abort(boolean afterForward) implements Action {
        public String label() {
            return "abort";
        }
    }

    /** The proxy stops reading this direction for a while (0: until the session ends): a slow consumer. */
    record Stall(long micros) implements Action {
        public String label() {
            return "stall";
        }
    }

    /** This direction is sent at most this many bytes a second. */
    record Throttle(long bytesPerSecond) implements Action {
        public String label() {
            return "throttle";
        }
    }

    /** Pings or pongs matched are not forwarded (keep-alive tests). */
    record Suppress(FrameType type) implements Action {
        public String label() {
            return "suppress";
        }
    }
}
