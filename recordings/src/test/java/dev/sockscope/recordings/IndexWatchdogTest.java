package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
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
            try (IndexWatchdog watchdog = IndexWatchdog.watch(pool, "a stuck write", 500)) {
                CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> {
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE t SET v = 2 WHERE id = 1");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThatThrownBy(() -> stuck.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
                assertThat(watchdog.fired()).isTrue();
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("well before H2's own lock timeout")
                    .isLessThan(60);
        } finally {
            pool.dispose();
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
