package dev.sockscope.recordings;

import java.sql.SQLException;

/** The little SQL that differs between H2 (a recordings folder) and PostgreSQL (a team store). */
enum Dialect {
    H2 {
        @Override
        String contains(String haystack) {
            return "LOCATE(LOWER(?), LOWER(" + haystack + ")) > 0";
        }

        @Override
        boolean missingColumn(SQLException e) {
            return e.getErrorCode() == org.h2.api.ErrorCode.COLUMN_NOT_FOUND_1;
        }

        @Override
        boolean recordsProxies() {
            return false;
        }
    },
    POSTGRESQL {
        @Override
        String contains(String haystack) {
            return "STRPOS(LOWER(" + haystack + "), LOWER(?)) > 0";
        }

        @Override
        boolean missingColumn(SQLException e) {
            return "42703".equals(e.getSQLState());
        }

        @Override
        boolean recordsProxies() {
            return true;
        }
    };

    /** A condition that holds when {@code haystack} (an SQL expression) contains the next parameter, ignoring case. */
    abstract String contains(String haystack);

    /** Whether {@code e} says a column does not exist (an older schema read through an older proxy's server). */
    abstract boolean missingColumn(SQLException e);

    /** Whether sessions say which proxy recorded them ({@code proxy_host}, {@code proxy_name}): a team store's do. */
    abstract boolean recordsProxies();
}
