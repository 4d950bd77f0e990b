package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table; the last column is left unpadded so long values do not push lines wider. A streaming table
 * ({@link #streaming}) holds only its first rows, to size the columns by, and prints every later row as it comes, so
 * that a session of a million frames is printed in constant memory (a later, wider cell is printed whole, out of line).
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final PrintWriter out;
    private final int sample;
    private int[] widths;
    private long count;

    Table(String... header) {
        this(null, Integer.MAX_VALUE, header);
    }

    private Table(PrintWriter out, int sample, String... header) {
        this.columns = header.length;
        this.out = out;
        this.sample = sample;
        rows.add(header);
    }

    /** A table that sizes its columns by its first {@code sample} rows and then prints each row to {@code out} as added. */
    static Table streaming(PrintWriter out, int sample, String... header) {
        return new Table(out, sample, header);
    }

    void add(Object... cells) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            Object c = i < cells.length ? cells[i] : null;
            row[i] = c == null ? "-" : c.toString();
        }
        count++;
        if (widths != null) {
            printRow(out, row);
            return;
        }
        rows.add(row);
        if (count >= sample && out != null) {
            printHeld(out);
        }
    }

    long size() {
        return count;
    }

    /** Prints what is held (all of a plain table; what a streaming one has not printed yet). */
    void print(PrintWriter to) {
        if (widths == null || !rows.isEmpty()) {
            printHeld(to);
        }
        to.flush();
    }

    private void printHeld(PrintWriter to) {
        if (widths == null) {
            widths = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            }
        }
        for (String[] r : rows) {
            printRow(to, r);
        }
        rows.clear();
    }

    private void printRow(PrintWriter to, String[] r) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            if (i > 0) {
                line.append("  ");
            }
            line.append(r[i]);
            if (i < columns - 1) {
                line.append(" ".repeat(Math.max(0, widths[i] - r[i].length())));
            }
        }
        to.println(line.toString().stripTrailing());
    }
}
