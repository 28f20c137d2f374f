package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.Locale;

/** The layout of a data file. */
public enum DatasetFormat {
    /** Comma-separated, RFC 4180 quoting: fields with commas, quotes or line breaks are quoted. */
    CSV,
    /**
     * Tab-separated with no quoting at all, as GLUE ships its files: a quote character is text, so a
     * field cannot hold a tab or a line break.
     */
    TSV,
    /** One JSON object per line; a {@code .json} file may instead hold one JSON array of objects. */
    JSONL,
    /**
     * CoNLL column format, for token tasks: a word and its columns per line, the tag last, blank lines
     * between sentences, {@code -DOCSTART-} lines ignored.
     */
    CONLL;

    /**
     * The format its name says: {@code .csv}, {@code .tsv}, {@code .jsonl}/{@code .json},
     * {@code .conll}/{@code .bio}/{@code .txt} (CoNLL).
     *
     * @param file the data file
     * @return its format
     * @throws ModelFileException if the extension is none of those
     */
    public static DatasetFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return CSV;
        if (name.endsWith(".tsv")) return TSV;
        if (name.endsWith(".jsonl") || name.endsWith(".json")) return JSONL;
        if (name.endsWith(".conll") || name.endsWith(".bio") || name.endsWith(".txt")) return CONLL;
        throw new ModelFileException(file, "cannot tell the data format from the file name; name it .csv, .tsv, "
                + ".jsonl, .json, .conll, .bio or .txt (CoNLL), or give the format (csv, tsv, jsonl or conll)");
    }

    /**
     * A format by name, case-insensitive: {@code csv}, {@code tsv}, {@code jsonl} (or {@code json}),
     * {@code conll}.
     *
     * @param name the format's name
     * @return the format
     * @throws IllegalArgumentException for another name
     */
    public static DatasetFormat parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("JSON")) return JSONL;
        for (DatasetFormat f : values()) {
            if (f.name().equals(n)) return f;
        }
        throw new IllegalArgumentException("unknown data format '" + name + "'; expected csv, tsv, jsonl or conll");
    }
}
