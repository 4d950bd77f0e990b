package dev.sockscope.ui.replay;

/**
 * One way the replay differed from its recording.
 *
 * @param kind        changed (both have it, values differ), missing (the recording has it, the replay does not) or
 *                    extra (the other way round)
 * @param where       what was compared: {@code answer}, {@code push}, {@code close} or {@code handshake}
 * @param label       the decoder's label of the recorded frame (or the replayed one, for extras)
 * @param recordedSeq the frame in the recording, or null
 * @param replaySeq   the frame in the replay's own session, or null
 * @param path        the JSON path that differs ({@code $} for the whole frame), or null
 * @param recorded    the recorded value, as JSON text (null when missing)
 * @param replayed    the replayed value, as JSON text (null when missing)
 */
public record Difference(Kind kind, String where, String label, Long recordedSeq, Long replaySeq, String path,
                         String recorded, String replayed) {
    public enum Kind { CHANGED, MISSING, EXTRA }

    /** One line for people: {@code answer LOGIN (19) #4 → #4: payload.name "Ivan" → "Ivan2"}. */
    public String describe() {
        String frames = (recordedSeq == null ? "" : "#" + recordedSeq) + (replaySeq == null ? "" : " → #" + replaySeq);
        String head = where + " " + label + " " + frames.trim();
        return switch (kind) {
            case CHANGED -> head + ": " + path + " " + recorded + " → " + replayed;
            case MISSING -> head + ": " + (path == null || path.equals("$") ? "not in the replay" : path + " " + recorded + " is gone");
            case EXTRA -> head + ": " + (path == null || path.equals("$") ? "only in the replay" : path + " " + replayed + " is new");
        };
    }
}
