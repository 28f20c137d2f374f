package dev.jbert.core.data;

/**
 * Which column (or JSON field) holds a value: the default names, none, a named column, or a
 * zero-based position for files without a header row.
 *
 * @param selection how the column is chosen
 * @param name      the column name, for {@link Selection#NAME}; null otherwise
 * @param index     the zero-based position, for {@link Selection#INDEX}; -1 otherwise
 */
public record Column(Selection selection, String name, int index) {

    /** How a column is chosen. */
    public enum Selection {
        /** The first of the reader's default names that the file has (see each reader). */
        DEFAULT,
        /** No such column, even if a default name is present. */
        NONE,
        /** The column with this header name (or JSON field). */
        NAME,
        /** The column at this zero-based position. */
        INDEX
    }

    private static final Column DEFAULT = new Column(Selection.DEFAULT, null, -1);
    private static final Column NONE = new Column(Selection.NONE, null, -1);

    /**
     * Checks that the name and index go with the selection.
     *
     * @param selection how the column is chosen
     * @param name      the column name, for {@link Selection#NAME}; null otherwise
     * @param index     the zero-based position, for {@link Selection#INDEX}; -1 otherwise
     * @throws IllegalArgumentException if the selection is null, a name is given without {@link Selection#NAME} (or
     *                                  missing or blank with it), or an index without {@link Selection#INDEX}
     */
    public Column {
        if (selection == null) {
            throw new IllegalArgumentException("selection must not be null");
        }
        if ((selection == Selection.NAME) != (name != null)) {
            throw new IllegalArgumentException("a name goes with Selection.NAME and only with it");
        }
        if (selection == Selection.NAME && name.isBlank()) {
            throw new IllegalArgumentException("a column name must not be blank");
        }
        if (selection == Selection.INDEX ? index < 0 : index != -1) {
            throw new IllegalArgumentException("an index >= 0 goes with Selection.INDEX and only with it, got " + index);
        }
    }

    /**
     * The reader's default choice.
     *
     * @return the shared default column
     */
    public static Column byDefault() {
        return DEFAULT;
    }

    /**
     * No column.
     *
     * @return the shared no-column value
     */
    public static Column none() {
        return NONE;
    }

    /**
     * The column with this header name or JSON field.
     *
     * @param name the name, not blank
     * @return the column
     */
    public static Column named(String name) {
        return new Column(Selection.NAME, name, -1);
    }

    /**
     * The column at this zero-based position.
     *
     * @param index the position, {@code >= 0}
     * @return the column
     */
    public static Column at(int index) {
        return new Column(Selection.INDEX, null, index);
    }

    /**
     * As a command line gives it: digits are a zero-based position, anything else a name.
     *
     * @param spec the column, not blank
     * @return the column
     */
    public static Column parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a column must be a name or a zero-based index");
        }
        String s = spec.trim();
        if (s.chars().allMatch(c -> c >= '0' && c <= '9') && s.length() < 10) {
            return at(Integer.parseInt(s));
        }
        return named(s);
    }

    @Override
    public String toString() {
        return switch (selection) {
            case DEFAULT -> "the default column";
            case NONE -> "no column";
            case NAME -> "column '" + name + "'";
            case INDEX -> "column " + index;
        };
    }
}
