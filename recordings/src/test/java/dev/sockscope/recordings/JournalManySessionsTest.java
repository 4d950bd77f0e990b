package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More sessions recording at once than the writer keeps files open for: files closed to make room (forced and closed
 * on the syncer's thread) and reopened must go on where they ended, each record where {@link Journal#append} said.
 */
class JournalManySessionsTest {
    @TempDir
    Path dir;

    @Test
    void sessionsBeyondTheOpenFilesLimitKeepEveryRecordWhereTheAppendSaid() throws Exception {
        int sessions = Journal.MAX_OPEN + 40;
        int rounds = 3;
        long[][] starts = new long[sessions][rounds];
        try (FileSyncer syncer = new FileSyncer(); Journal journal = new Journal(dir, syncer)) {
            for (int round = 0; round < rounds; round++) {
                for (int s = 0; s < sessions; s++) {
                    long[] offsets = journal.append(s + 1, List.of(entry(s + 1, round)));
                    starts[s][round] = offsets[0];
                    assertThat(offsets[1]).isGreaterThan(offsets[0]);
                }
            }
        }
        for (int s = 0; s < sessions; s++) {
            List<Journal.Record> records = new ArrayList<>();
            Journal.Scan scan = Journal.scan(Journal.file(dir, s + 1), 0, records::add);
            assertThat(scan.clean()).as("session %d: %s", s + 1, scan.damage()).isTrue();
            assertThat(records).hasSize(rounds);
            for (int round = 0; round < rounds; round++) {
                assertThat(records.get(round).offset()).isEqualTo(starts[s][round]);
                assertThat(records.get(round).entry().values()).containsExactly("session " + (s + 1) + " round " + round);
            }
        }
    }

    private static JournalEntry entry(long sessionId, int round) {
        return JournalEntry.of(JournalEntry.Kind.UNANSWERED, sessionId, "session " + sessionId + " round " + round);
    }
}
