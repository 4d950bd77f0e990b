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
    /** Blocks read ahead together by a text or regex search, so that both cores inflate. */
    private static final int GROUP = 8;
    private final SessionBlocks blocks;
    private final Set<Long> unanswered;
    /** Set once a content search has taken a group of blocks in this page: later groups are matched in parallel. */
    private boolean sparse;

    FrameSearch(SessionBlocks blocks, Set<Long> unanswered) {
        this.blocks = blocks;
        this.unanswered = unanswered;
    }

    FramePage page(FrameQuery q) throws SQLException {
        FrameFilter filter = q.filter();
        sparse = false;
        int wanted = q.limit() + 1; // one more than the page, to know whether another page follows
        boolean back = q.backwards();
        long after = back ? Long.MIN_VALUE : q.after();
        long before = back ? q.before() : Long.MAX_VALUE;
        List<StoredFrame> found = new ArrayList<>(Math.min(wanted, 1024));
        List<SessionBlocks.Block> group = new ArrayList<>(GROUP);
        SessionBlocks.Visitor collect = block -> {
            if (block.lastSeq > after && block.mayMatch(filter, unansweredIn(block))) {
                group.add(block);
                if (group.size() == (filter.needsContent() ? GROUP : 1)) {
                    take(group, filter, after, before, back, found, wanted);
                }
            }
            return found.size() < wanted;
        };
        SessionBlocks walk = blocks.forSearch(filter);
        if (back) {
            walk.backward(before, collect);
        } else {
            walk.forward(after + 1, collect);
        }
        take(group, filter, after, before, back, found, wanted);
        boolean more = found.size() == wanted;
        List<StoredFrame> page = new ArrayList<>(found.subList(0, Math.min(q.limit(), found.size())));
        if (back) {
            Collections.reverse(page);
            return new FramePage(page, page.isEmpty() ? null : page.get(page.size() - 1).seq(), more ? page.get(0).seq() : null);
        }
        return new FramePage(page, more ? page.get(page.size() - 1).seq() : null,
                after > 0 && !page.isEmpty() ? page.get(0).seq() : null);
    }

    /**
     * Adds the matches of a group of blocks to {@code found}, in walk order, up to {@code wanted}. A text or regex search
     * must read every block it passes, so the group's blocks are read in turn and inflated and pre-checked on every core.
     */
    private void take(List<SessionBlocks.Block> group, FrameFilter filter, long after, long before, boolean back,
                      List<StoredFrame> found, int wanted) throws SQLException {
        if (group.isEmpty() || found.size() >= wanted) {
            group.clear();
            return;
        }
        List<List<StoredFrame>> matched = null;
        if (filter.needsContent()) {
            for (SessionBlocks.Block b : group) {
                b.fetch();
            }
            group.parallelStream().forEach(b -> b.precheck(filter));
            if (sparse) {
                // Matches are sparse (a group went by without filling the page): decode and match on every core too.
                matched = matchAll(group, filter, after, before);
            }
            sparse = true;
        }
        for (int g = 0; g < group.size(); g++) {
            List<StoredFrame> inBlock = matched != null ? matched.get(g) : matches(group.get(g), filter, after, before);
            for (int i = 0; i < inBlock.size() && found.size() < wanted; i++) {
                found.add(inBlock.get(back ? inBlock.size() - 1 - i : i));
            }
        }
        group.clear();
    }

    private List<List<StoredFrame>> matchAll(List<SessionBlocks.Block> group, FrameFilter filter, long after, long before)
            throws SQLException {
        try {
            return group.parallelStream().map(b -> {
                try {
                    return matches(b, filter, after, before);
                } catch (SQLException e) {
                    throw new Failed(e);
                }
            }).toList();
        } catch (Failed e) {
            throw e.cause;
        }
    }

    /** An SQLException carried out of a parallel stream. */
    private static final class Failed extends RuntimeException {
        final SQLException cause;

        Failed(SQLException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    /** The frames of {@code block} with {@code after < seq < before} that match, in order. */
    private List<StoredFrame> matches(SessionBlocks.Block block, FrameFilter filter, long after, long before) throws SQLException {
        List<FrameSummary> summaries = block.summaries();
        List<StoredFrame> out = new ArrayList<>();
        if (filter.needsContent() && !block.mayHoldText(filter)) {
            return out;
        }
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
        blocks.whole().forward(0, block -> {
            block.summaries().forEach(builder::add);
            return true;
        });
        return builder.build();
    }
}
