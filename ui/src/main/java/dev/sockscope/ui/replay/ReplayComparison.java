package dev.sockscope.ui.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.ui.views.Preview;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;

/**
 * What the upstream said in the replay against what it said in the recording. Answers are paired through the
 * decoder's correlation, not by position: the recorded answer to the k-th client message is compared with the
 * replay's answer to its k-th message. Pushes (server messages that answer nothing) are compared by label, in order.
 * Fields matching an ignore pattern (the protocol's volatile fields, {@code --ignore}) are not compared.
 */
public final class ReplayComparison {
    private final List<FieldPattern> ignored;
    private final Function<StoredFrame, JsonNode> tree;
    private final List<Difference> out = new ArrayList<>();
    private int answers;
    private int pushes;

    /** @param tree a frame's JSON tree as the protocol reads it (nested JSON unwrapped), or null when not JSON */
    public ReplayComparison(List<FieldPattern> ignored, Function<StoredFrame, JsonNode> tree) {
        this.ignored = List.copyOf(ignored);
        this.tree = tree;
    }

    /** The outcome: the differences, and how many answers and pushes were compared. */
    public record Outcome(List<Difference> differences, int answersCompared, int pushesCompared) {
    }

    public Outcome compare(Handshake recordedHandshake, List<StoredFrame> recorded, Handshake replayHandshake, List<StoredFrame> replayed) {
        handshake(recordedHandshake, replayHandshake);
        Map<Long, Long> toReplay = clientMessages(recorded, replayed);
        Map<Long, StoredFrame> replayAnswers = new HashMap<>();
        for (StoredFrame f : replayed) {
            if (isServerMessage(f) && f.decoding() != null && f.decoding().correlatesWith() != null) {
                replayAnswers.putIfAbsent(f.decoding().correlatesWith(), f);
            }
        }
        Set<Long> answeredInReplay = new LinkedHashSet<>(replayAnswers.keySet());
        for (StoredFrame r : recorded) {
            if (!isServerMessage(r) || r.decoding() == null || r.decoding().correlatesWith() == null) {
                continue;
            }
            Long request = toReplay.get(r.decoding().correlatesWith());
            StoredFrame answer = request == null ? null : replayAnswers.get(request);
            answeredInReplay.remove(request);
            if (answer == null) {
                out.add(new Difference(Difference.Kind.MISSING, "answer", r.decoding().label(), r.seq(), null, "$",
                        preview(r), null));
                continue;
            }
            answers++;
            frames("answer", r, answer);
        }
        for (Long request : answeredInReplay) {
            StoredFrame extra = replayAnswers.get(request);
            out.add(new Difference(Difference.Kind.EXTRA, "answer", extra.decoding().label(), null, extra.seq(), "$", null, preview(extra)));
        }
        pushes(recorded, replayed);
        closes(recorded, replayed);
        return new Outcome(List.copyOf(out), answers, pushes);
    }

    private void handshake(Handshake a, Handshake b) {
        if (a.status() != b.status()) {
            out.add(new Difference(Difference.Kind.CHANGED, "handshake", "upgrade", null, null, "status",
                    String.valueOf(a.status()), String.valueOf(b.status())));
        }
        if (!java.util.Objects.equals(a.subprotocol(), b.subprotocol())) {
            out.add(new Difference(Difference.Kind.CHANGED, "handshake", "upgrade", null, null, "subprotocol",
                    String.valueOf(a.subprotocol()), String.valueOf(b.subprotocol())));
        }
    }

    /** The k-th recorded client message is the k-th replayed one (control frames aside: the client library may add its own). */
    private static Map<Long, Long> clientMessages(List<StoredFrame> recorded, List<StoredFrame> replayed) {
        Iterator<StoredFrame> replay = replayed.stream().filter(ReplayComparison::isClientMessage).iterator();
        Map<Long, Long> out = new HashMap<>();
        for (StoredFrame r : recorded) {
            if (isClientMessage(r) && replay.hasNext()) {
                out.put(r.seq(), replay.next().seq());
            }
        }
        return out;
    }

    private void pushes(List<StoredFrame> recorded, List<StoredFrame> replayed) {
        Map<String, ArrayDeque<StoredFrame>> byLabel = new LinkedHashMap<>();
        for (StoredFrame f : replayed) {
            if (isPush(f)) {
                byLabel.computeIfAbsent(label(f), k -> new ArrayDeque<>()).add(f);
            }
        }
        for (StoredFrame r : recorded) {
            if (!isPush(r)) {
                continue;
            }
            ArrayDeque<StoredFrame> same = byLabel.get(label(r));
            StoredFrame p = same == null ? null : same.poll();
            if (p == null) {
                out.add(new Difference(Difference.Kind.MISSING, "push", label(r), r.seq(), null, "$", preview(r), null));
            } else {
                pushes++;
                frames("push", r, p);
            }
        }
        byLabel.values().forEach(rest -> rest.forEach(p ->
                out.add(new Difference(Difference.Kind.EXTRA, "push", label(p), null, p.seq(), "$", null, preview(p)))));
    }

    private void closes(List<StoredFrame> recorded, List<StoredFrame> replayed) {
        StoredFrame a = serverClose(recorded);
        StoredFrame b = serverClose(replayed);
        if (a == null && b == null) {
            return;
        }
        if (a == null || b == null) {
            StoredFrame only = a == null ? b : a;
            out.add(new Difference(a == null ? Difference.Kind.EXTRA : Difference.Kind.MISSING, "close", label(only),
                    a == null ? null : a.seq(), b == null ? null : b.seq(), "$", a == null ? null : closeText(a), b == null ? null : closeText(b)));
        } else if (!java.util.Objects.equals(a.frame().closeCode(), b.frame().closeCode())) {
            out.add(new Difference(Difference.Kind.CHANGED, "close", label(a), a.seq(), b.seq(), "code",
                    String.valueOf(a.frame().closeCode()), String.valueOf(b.frame().closeCode())));
        }
    }

    private void frames(String where, StoredFrame a, StoredFrame b) {
        JsonNode x = tree.apply(a);
        JsonNode y = tree.apply(b);
        if (x != null && y != null) {
            diff(where, a, b, new ArrayList<>(), x, y);
        } else if (!Arrays.equals(a.frame().payload(), b.frame().payload())) {
            out.add(new Difference(Difference.Kind.CHANGED, where, label(a), a.seq(), b.seq(), "$", preview(a), preview(b)));
        }
    }

    private void diff(String where, StoredFrame a, StoredFrame b, List<String> path, JsonNode x, JsonNode y) {
        if (isIgnored(path)) {
            return;
        }
        if (x.isObject() && y.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            x.fieldNames().forEachRemaining(names::add);
            y.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                path.add(n);
                child(where, a, b, path, x.get(n), y.get(n));
                path.remove(path.size() - 1);
            }
        } else if (x.isArray() && y.isArray()) {
            for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
                path.add("[" + i + "]");
                child(where, a, b, path, x.get(i), y.get(i));
                path.remove(path.size() - 1);
            }
        } else if (!x.equals(y)) {
            out.add(new Difference(Difference.Kind.CHANGED, where, label(a), a.seq(), b.seq(), TreePaths.text(path),
                    compact(x), compact(y)));
        }
    }

    private void child(String where, StoredFrame a, StoredFrame b, List<String> path, JsonNode x, JsonNode y) {
        if (isIgnored(path)) {
            return;
        }
        if (x == null) {
            out.add(new Difference(Difference.Kind.EXTRA, where, label(a), a.seq(), b.seq(), TreePaths.text(path), null, compact(y)));
        } else if (y == null) {
            out.add(new Difference(Difference.Kind.MISSING, where, label(a), a.seq(), b.seq(), TreePaths.text(path), compact(x), null));
        } else {
            diff(where, a, b, path, x, y);
        }
    }

    private boolean isIgnored(List<String> path) {
        for (FieldPattern p : ignored) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isClientMessage(StoredFrame f) {
        return f.frame().from() == Direction.CLIENT_TO_SERVER && !f.frame().type().isControl();
    }

    private static boolean isServerMessage(StoredFrame f) {
        return f.frame().from() == Direction.SERVER_TO_CLIENT && !f.frame().type().isControl();
    }

    private static boolean isPush(StoredFrame f) {
        return isServerMessage(f) && (f.decoding() == null || f.decoding().correlatesWith() == null);
    }

    private static StoredFrame serverClose(List<StoredFrame> frames) {
        return frames.stream().filter(f -> f.frame().from() == Direction.SERVER_TO_CLIENT && f.frame().type() == FrameType.CLOSE)
                .findFirst().orElse(null);
    }

    private static String label(StoredFrame f) {
        return f.decoding() == null ? f.frame().type().label() : f.decoding().label();
    }

    private static String closeText(StoredFrame f) {
        return f.frame().closeCode() == null ? "close" : "close " + f.frame().closeCode();
    }

    private static String preview(StoredFrame f) {
        return Preview.oneLine(f.frame().type() == FrameType.TEXT ? f.frame().text() : f.frame().size() + " bytes", 200);
    }

    private static String compact(JsonNode n) {
        return Preview.oneLine(n.toString(), 200);
    }
}
