package io.kmod4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text table as the listing verbs print it ({@code kmod4j devices}, {@code fw status}): a header
 * of upper-case words, then one line per row; every column but the last is padded to its widest
 * cell, columns are two spaces apart, no line has trailing spaces, and an empty cell shows as
 * {@code -} so that every line splits into the same number of words (except the last column,
 * which may hold a sentence).
 */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header.clone());
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException if it has not one cell per column
     */
    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + columns + " columns: "
                    + Arrays.toString(cells));
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            String s = cells[i] == null ? "" : cells[i].toString();
            text[i] = s.isEmpty() ? "-" : s;
        }
        rows.add(text);
        return this;
    }

    /** The table, each line ending in a newline. */
    String format() {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i + 1 < columns) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
