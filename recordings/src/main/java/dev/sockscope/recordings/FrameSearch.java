package dev.sockscope.recordings;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates {@link FrameQuery}s, single frames, pairs and statistics over a session's blocks: the summary columns
 * skip blocks, the index skips frames, and only the blocks that hold a match (or need a text search) are decoded.
 */
final class FrameSearch {
    private final SessionBlocks blocks;
    private final Set<Long> unanswered;

    FrameSearch(SessionBlocks blocks, Set<Long> unanswered) {
        this.blocks = blocks;
        this.unanswered = unanswered;
    }

    FramePage page(FrameQuery q) throws SQLException {
        FrameFilter filter = q.filter();
        List<StoredFrame> found = new ArrayList<>(Math.min(q.limit() + 1, 1024));
        int wanted = q.limit() + 1; // one more than the page, to know whether another page follows
        if (q.backwards()) {
            long before = q.before();
            blocks.backward(before, block -> {
                if (block.mayMatch(filter, unansweredIn(block))) {
                    List<StoredFrame> inBlock = matches(block, filter, Long.MIN_VALUE, before);
                    for (int i = inBlock.size() - 1; i >= 0 && found.size() < wanted; i--) {
                        found.add(inBlock.get(i));
                    }
                }
                return found.size() < wanted;
            });
            boolean more = found.size() == wanted;
            List<StoredFrame> page = new ArrayList<>(found.subList(0, Math.min(q.limit(), found.size())));
            Collections.reverse(page);
            return new FramePage(page, page.isEmpty() ? null : page.get(page.size() - 1).seq(),
                    more ? page.get(0).seq() : null);
        }
        long after = q.after();
        blocks.forward(after + 1, block -> {
            if (block.lastSeq > after && block.mayMatch(filter, unansweredIn(block))) {
                for (StoredFrame f : matches(block, filter, after, Long.MAX_VALUE)) {
                    if (found.size() < wanted) {
                        found.add(f);
                    }
                }
            }
            return found.size() < wanted;
        });
        boolean more = found.size() == wanted;
        List<StoredFrame> page = found.subList(0, Math.min(q.limit(), found.size()));
        return new FramePage(List.copyOf(page), more ? page.get(page.size() - 1).seq() : null,
                after > 0 && !page.isEmpty() ? page.get(0).seq() : null);
    }

    /** The frames of {@code block} with {@code after < seq < before} that match, in order. */
    private List<StoredFrame> matches(SessionBlocks.Block block, FrameFilter filter, long after, long before) throws SQLException {
        List<FrameSummary> summaries = block.summaries();
        List<StoredFrame> out = new ArrayList<>();
        List<StoredFrame> frames = null;
        for (int i = 0; i < summaries.size(); i++) {
            FrameSummary s = summaries.get(i);
            if (s.seq() <= after || s.seq() >= before || !filter.matches(s, unanswered.contains(s.seq()))) {
                continue;
            }
            frames = frames == null ? block.frames() : frames;
            StoredFrame f = frames.get(i);
            if (filter.matchesContent(f)) {
                out.add(f);
            }
        }
        return out;
    }

    private boolean unansweredIn(SessionBlocks.Block block) {
        for (long seq : unanswered) {
            if (seq >= block.firstSeq && seq <= block.lastSeq) {
                return true;
            }
        }
        return false;
    }

    Optional<StoredFrame> frame(long seq) throws SQLException {
        StoredFrame[] hit = {null};
        blocks.forward(seq, block -> {
            if (block.firstSeq <= seq && seq <= block.lastSeq) {
                for (StoredFrame f : block.frames()) {
                    if (f.seq() == seq) {
                        hit[0] = f;
                    }
                }
            }
            return false;
        });
        return Optional.ofNullable(hit[0]);
    }

    /** The frame that answers the request at {@code requestSeq}, searched forward through the index. */
    Optional<StoredFrame> answerTo(long requestSeq) throws SQLException {
        if (unanswered.contains(requestSeq)) {
            return Optional.empty();
        }
        StoredFrame[] hit = {null};
        blocks.forward(requestSeq, block -> {
            List<FrameSummary> summaries = block.summaries();
            for (int i = 0; i < summaries.size(); i++) {
                Long answers = summaries.get(i).correlatesWith();
                if (answers != null && answers == requestSeq) {
                    hit[0] = block.frames().get(i);
                    return false;
                }
            }
            return true;
        });
        return Optional.ofNullable(hit[0]);
    }

    SessionStats stats(long startedAtMicros, int maxBuckets) throws SQLException {
        Long[] span = blocks.timeSpan();
        long first = span[0] == null ? startedAtMicros : Math.min(span[0], startedAtMicros);
        long last = span[1] == null ? first : Math.max(first, span[1]);
        SessionStats.Builder builder = new SessionStats.Builder(first, last, maxBuckets);
        blocks.forward(0, block -> {
            block.summaries().forEach(builder::add);
            return true;
        });
        return builder.build();
    }
}
