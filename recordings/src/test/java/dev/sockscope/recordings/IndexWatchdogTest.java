package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write stuck inside H2 (here: waiting for a row another connection holds, with a lock timeout of ten minutes, as a
 * row left behind by a killed process holds it for good) is made to fail once the catch-up makes no progress, and a
 * catch-up that progresses is left alone.
 */
class IndexWatchdogTest {
    @TempDir
    Path dir;

    @Test
    void aWriteThatMakesNoProgressFailsOnceItsDatabaseIsShutDown() throws Exception {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("db") + ";LOCK_TIMEOUT=600000", "sa", "");
        try (Connection holder = pool.getConnection(); Statement st = holder.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO t VALUES (1, 0)");
            holder.setAutoCommit(false);
            st.executeUpdate("UPDATE t SET v = 1 WHERE id = 1"); // held, never committed
            long started = System.nanoTime();
            CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
                    // The shutdown either fails the waiting write or lets it through on its way down (H2 ends the
                    // holder's transaction as it closes): then the next step of the work fails.
                    s.executeQuery("SELECT v FROM t").close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The watchdog is armed only once the write really waits on the held row: armed earlier (a busy machine
            // starts the write late), it would shut the database down first and the write would open a fresh one.
            await().atMost(Duration.ofSeconds(30)).until(() -> blockedSessions(st) > 0);
            try (IndexWatchdog watchdog = IndexWatchdog.watch(pool, "a stuck write", 500)) {
                assertThatThrownBy(() -> stuck.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
                assertThat(watchdog.fired()).isTrue();
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("well before H2's own lock timeout")
                    .isLessThan(60);
        } finally {
            pool.dispose();
        }
    }

    private static int blockedSessions(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void workThatProgressesIsLeftAlone() throws Exception {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("db"), "sa", "");
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            try (IndexWatchdog watchdog = IndexWatchdog.watch(pool, "a busy catch-up", 300)) {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                for (int i = 0; System.nanoTime() < end; i++) {
                    st.executeUpdate("INSERT INTO t VALUES (" + i + ")");
                    watchdog.progressed();
                }
                assertThat(watchdog.fired()).isFalse();
            }
            assertThat(st.executeQuery("SELECT COUNT(*) FROM t").next()).isTrue();
        } finally {
            pool.dispose();
        }
    }
}
