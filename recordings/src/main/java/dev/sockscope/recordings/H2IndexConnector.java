package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;

/** Connects to a folder's H2 index: a connection pool, the schema brought up to date or checked, one writing connection. */
final class H2IndexConnector {
    /** Whether opening brings the schema up to this version (a writer), checks it (a reader), or trusts it (a proxy's server). */
    enum Migrate { YES, CHECK, NEVER }

    private H2IndexConnector() {
    }

    /**
     * Null when {@code migrate} is CHECK and the schema is older than this version's. A reader starts Flyway only when
     * the folder's history is not exactly this version's ({@link SchemaHistory}): Flyway's classes and its scan of the
     * class path for migrations were half of what a short command ({@code sessions}, {@code frames}) cost.
     */
    static H2RecordingStore connect(Path dir, String url, String user, String password, Migrate migrate)
            throws RecordingException {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, user, password);
        pool.setMaxConnections(16);
        // A folder at this version's schema needs no Flyway, writer or reader: its scan and validation cost a proxy's start
        // about half a second.
        boolean flyway = migrate != Migrate.NEVER && !SchemaHistory.isCurrent(pool);
        if (flyway) {
            try {
                Flyway f = Flyway.configure(H2RecordingStore.class.getClassLoader())
                        .dataSource(pool)
                        .locations("classpath:db/migration")
                        .load();
                if (migrate == Migrate.YES) {
                    f.migrate();
                } else if (f.info().pending().length > 0) {
                    pool.dispose();
                    return null;
                }
            } catch (FlywayException e) {
                pool.dispose();
                throw new RecordingException("cannot open or upgrade the recordings in " + dir + ": " + rootMessage(e), e);
            }
        }
        Connection writer = null;
        try {
            writer = pool.getConnection();
            writer.setAutoCommit(false);
            long firstFree;
            try (PreparedStatement ps = writer.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM sessions");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                firstFree = rs.getLong(1);
            }
            writer.commit();
            return new H2RecordingStore(dir, pool, writer, firstFree);
        } catch (SQLException e) {
            H2RecordingStore.closeQuietly(writer); // the pool closes only the connections it holds: an open one keeps the database open
            pool.dispose();
            throw new RecordingException("cannot open the recording index of " + dir + ": " + e.getMessage(), e);
        }
    }
}
