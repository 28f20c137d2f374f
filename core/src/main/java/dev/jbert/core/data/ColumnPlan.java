package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.List;

/**
 * Which cells or JSON fields hold the text, second text and label, resolved once per file against
 * its header (or first JSON object) so a wrong column name fails before any row is read.
 *
 * @param text      position (tabular) of the text
 * @param pair      position of the second text, or -1
 * @param label     position of the label, or -1 when labels are not read
 * @param textName  the text column as messages name it
 * @param pairName  the second-text column as messages name it, or null
 * @param labelName the label column as messages name it, or null
 */
record ColumnPlan(int text, int pair, int label, String textName, String pairName, String labelName) {

    /**
     * Resolves the options' columns.
     *
     * @param names    the header's or the first object's names, or null for a header-less file
     * @param width    the number of columns (the header's or the first row's)
     * @param namesAre how messages call the names: "the header has columns" or "the first object has fields"
     */
    static ColumnPlan resolve(Path file, TextReadOptions options, List<String> names, int width, String namesAre) {
        int text = position(file, options.text(), "text", TextReadOptions.TEXT_DEFAULTS, true, names, width, namesAre);
        int pair = position(file, options.pair(), "second text", TextReadOptions.PAIR_DEFAULTS, false, names, width, namesAre);
        int label = -1;
        if (options.labelling() == Labelling.LABELLED) {
            if (options.label().selection() == Column.Selection.NONE) {
                throw new IllegalArgumentException("labels are to be read but the label column is none");
            }
            label = position(file, options.label(), "label", TextReadOptions.LABEL_DEFAULTS, true, names, width, namesAre);
        }
        if (pair == text) {
            if (options.pair().selection() != Column.Selection.DEFAULT) {
                throw new ModelFileException(file, "the text and the second text are the same column (" + describe(names, text) + ")");
            }
            pair = -1;
        }
        if (label >= 0 && (label == text || label == pair)) {
            throw new ModelFileException(file, "the label column " + describe(names, label) + " is also a text column");
        }
        return new ColumnPlan(text, pair, label, describe(names, text), pair < 0 ? null : describe(names, pair),
                label < 0 ? null : describe(names, label));
    }

    /** The name of a resolved column (JSON fields are looked up by name). */
    static String name(List<String> names, int position) {
        return position < 0 ? null : names.get(position);
    }

    private static int position(Path file, Column column, String role, List<String> defaults, boolean required,
                                List<String> names, int width, String namesAre) {
        switch (column.selection()) {
            case NONE:
                return -1;
            case DEFAULT:
                if (names == null) {
                    if (!required) return -1;
                    throw new ModelFileException(file, "the file has no header row, so the " + role
                            + " column must be given by zero-based index (it has " + width + " columns)");
                }
                for (String d : defaults) {
                    int i = names.indexOf(d);
                    if (i >= 0) return i;
                }
                if (!required) return -1;
                throw new ModelFileException(file, "no " + role + " column: none of the default names " + defaults
                        + " is present; " + namesAre + " " + names + "; choose the " + role + " column");
            case NAME:
                if (names == null) {
                    throw new ModelFileException(file, "the " + role + " column '" + column.name()
                            + "' is given by name but the file has no header row; give a zero-based index (it has "
                            + width + " columns)");
                }
                int i = names.indexOf(column.name());
                if (i < 0) {
                    throw new ModelFileException(file, "no " + role + " column '" + column.name() + "'; " + namesAre + " " + names);
                }
                return i;
            case INDEX:
                if (column.index() >= width) {
                    throw new ModelFileException(file, "the " + role + " column index " + column.index()
                            + " is out of range: " + (names == null ? "the first row has " + width + " columns"
                            : namesAre + " " + names));
                }
                return column.index();
            default:
                throw new IllegalStateException(column.selection().name());
        }
    }

    private static String describe(List<String> names, int position) {
        return names == null ? "column " + position : "'" + names.get(position) + "'";
    }
}
