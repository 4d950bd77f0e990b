package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * Copies ended sessions from one store to another ({@code sockscope copy}: a folder into a team store, or back) as
 * they are stored: frames, their decodings, the session's protocol and unanswered requests, replay links and stars. Nothing
 * is decoded or masked again, so secrets masked in the source stay masked, and decodings are the recorder's. Sessions
 * get new ids in the target (its own ids, from its sequence or folder); open sessions are left out.
 */
public final class StoreCopy {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Frames per appended batch: one transaction each. */
    private static final int BATCH = 2_000;

    /** One session copied: its id in the source and in the target, and its frames. */
    public record Copied(long from, long to, long frames) {
    }

    /** What a copy did: the sessions copied, oldest first, and those left out (still open). */
    public record Outcome(List<Copied> copied, List<Long> skippedOpen) {
    }

    private StoreCopy() {
    }

    public static Outcome copy(RecordingReader from, RecordingWriter to, Consumer<Copied> progress) throws RecordingException {
        List<SessionRecord> sessions = allOldestFirst(from);
        Map<Long, Long> ids = new LinkedHashMap<>();
        List<Copied> copied = new ArrayList<>();
        List<Long> open = new ArrayList<>();
        for (SessionRecord s : sessions) {
            if (s.isOpen()) {
                open.add(s.id());
                continue;
            }
            Copied c = copySession(from, to, s);
            if (s.starred()) {
                to.star(c.to(), true);
            }
            ids.put(s.id(), c.to());
            copied.add(c);
            progress.accept(c);
        }
        for (SessionRecord s : sessions) {
            Long replay = ids.get(s.id());
            Long original = s.replayOf() == null ? null : ids.get(s.replayOf());
            if (replay != null && original != null) {
                to.linkReplay(replay, original);
            }
        }
        return new Outcome(copied, open);
    }

    private static List<SessionRecord> allOldestFirst(RecordingReader from) throws RecordingException {
        List<SessionRecord> all = new ArrayList<>();
        SessionQuery q = SessionQuery.newest(SessionQuery.MAX_LIMIT);
        while (true) {
            SessionPage page = from.sessions(q);
            all.addAll(page.sessions());
            if (page.next() == null) {
                break;
            }
            q = new SessionQuery(SessionQuery.MAX_LIMIT, page.next(), null, null, null, false);
        }
        Collections.reverse(all);
        return all;
    }

    private static Copied copySession(RecordingReader from, RecordingWriter to, SessionRecord s) throws RecordingException {
        long id = to.nextSessionId();
        SessionInfo info = s.info();
        SessionInfo renumbered = new SessionInfo(id, info.listen(), info.upstream(), info.clientAddress(), info.handshake(),
                info.startedAtMicros(), info.protocol());
        List<DecodedEvent> batch = new ArrayList<>();
        batch.add(new DecodedEvent.SessionStarted(renumbered, choice(s)));
        long frames = 0;
        long after = 0;
        while (true) {
            FramePage page = from.frames(s.id(), FrameQuery.after(after, BATCH));
            for (StoredFrame f : page.frames()) {
                RecordedFrame r = f.frame();
                batch.add(new DecodedEvent.FrameDecoded(new RecordedFrame(id, r.seq(), r.timeMicros(), r.from(), r.type(),
                        r.payload(), r.fragments(), r.note(), r.wire(), r.provenance()), f.decoding()));
                frames++;
            }
            if (batch.size() >= BATCH) {
                to.append(batch);
                batch = new ArrayList<>();
            }
            if (page.next() == null || page.frames().isEmpty()) {
                break;
            }
            after = page.next();
        }
        batch.add(new DecodedEvent.SessionEnded(id, s.end(), s.unanswered() == null ? List.of() : s.unanswered()));
        to.append(batch);
        return new Copied(s.id(), id, frames);
    }

    private static ProtocolChoice choice(SessionRecord s) throws RecordingException {
        if (s.protocol() == null) {
            return null;
        }
        try {
            return new ProtocolChoice(s.protocol(), s.protocolReason(),
                    s.handshakeDecoded() == null ? null : JSON.readTree(s.handshakeDecoded()));
        } catch (JsonProcessingException e) {
            throw new RecordingException("the decoded handshake of session " + s.id() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
