package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements of one transaction of the index, each prepared once and bound again for every row that uses it: a
 * batch of 100 sessions writes a few hundred rows with half a dozen statements (issue 20: preparing one per row was a
 * large share of the recorder's thread). Closed once the transaction is committed or rolled back.
 */
final class BatchStatements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchStatements.class);

    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    BatchStatements(Connection connection) {
        this.connection = connection;
    }

    /** Runs {@code sql} with {@code values} bound in order; the number of rows it changed. */
    int update(String sql, Object... values) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        for (int i = 0; i < values.length; i++) {
            ps.setObject(i + 1, values[i]);
        }
        return ps.executeUpdate();
    }

    @Override
    public void close() {
        for (PreparedStatement ps : prepared.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                LOG.debug("closing a statement of the index failed: {}", e.getMessage());
            }
        }
        prepared.clear();
    }
}
