package dev.jbert.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads sentences for token classification from CoNLL column files ({@code -DOCSTART-} lines
 * skipped, blank lines between sentences) or JSONL word lists. A bad line (no tag column, an unknown
 * tag) makes its whole sentence bad: it throws {@link ModelFileException} as {@code "file: line N: reason"},
 * or under {@link BadRowPolicy#SKIP} the sentence is left out and listed.
 *
 * <pre>{@code
 * Dataset<TokenExample> train = TokenReader.read(Path.of("train.bio.txt"), TokenReadOptions.defaults());
 * Dataset<TokenExample> dev = TokenReader.read(Path.of("dev.bio.txt"), TokenReadOptions.defaults()
 *         .withLabels(train.labels()));
 * }</pre>
 */
public final class TokenReader {

    private static final Logger LOG = LoggerFactory.getLogger(TokenReader.class);
    private static final Pattern COLUMNS = Pattern.compile("[ \t]+");
    private static final String DOCSTART = "-DOCSTART-";
    static final List<String> WORD_FIELDS = List.of("tokens", "words");
    static final List<String> TAG_FIELDS = List.of("ner_tags", "tags", "labels");

    /** A sentence as read: its words, tags as written (null when untagged) and each word's line. */
    private record RawSentence(List<String> words, List<String> tags, long[] lines) {
    }

    private TokenReader() {
    }

    /**
     * Reads {@code file}.
     *
     * @param file    a CoNLL or JSONL file
     * @param options the format, columns, tagging and bad-row policy
     * @return the sentences, their tag set and the sentences skipped
     * @throws ModelFileException naming the file (and the line, for a sentence) when it cannot be used
     */
    public static Dataset<TokenExample> read(Path file, TokenReadOptions options) {
        DatasetFormat format = options.format() != null ? options.format() : DatasetFormat.of(file);
        if (format != DatasetFormat.CONLL && format != DatasetFormat.JSONL) {
            throw new ModelFileException(file, "token-classification data must be CoNLL (.conll, .bio, .txt) or JSONL, not "
                    + format.name().toLowerCase(Locale.ROOT) + "; give the format if the extension misleads");
        }
        BadRows bad = new BadRows(file, options.badRows());
        List<RawSentence> sentences = DataFiles.read(file, () -> format == DatasetFormat.CONLL ? conll(file, options, bad) : json(file, options, bad));
        if (sentences.isEmpty()) throw bad.noExamples("sentences");
        return DataFiles.logged(LOG, resolve(file, sentences, options, bad), "sentences", "tags");
    }

    private static Dataset<TokenExample> resolve(Path file, List<RawSentence> sentences, TokenReadOptions options,
                                                 BadRows bad) {
        LabelSet labels = null;
        if (options.labelling() == Labelling.LABELLED) {
            if (options.labels() != null) {
                labels = options.labels();
            } else {
                Set<String> seen = new LinkedHashSet<>();
                for (RawSentence s : sentences) seen.addAll(s.tags());
                labels = LabelSet.inferred(seen);
            }
        }
        List<TokenExample> examples = new ArrayList<>(sentences.size());
        for (RawSentence s : sentences) {
            SourceLine source = new SourceLine(file, s.lines()[0]);
            if (labels == null) {
                examples.add(new TokenExample(s.words(), null, source));
                continue;
            }
            // tags are stored as names, so a file of integer ids reads the same as one of names
            List<String> names = new ArrayList<>(s.tags().size());
            String problem = null;
            int at = 0;
            for (int i = 0; i < s.tags().size() && problem == null; i++) {
                int id = labels.resolve(s.tags().get(i));
                if (id < 0) {
                    problem = "unknown tag '" + s.tags().get(i) + "' (word '" + s.words().get(i)
                            + "'); the known tags are " + labels.describe();
                    at = i;
                } else {
                    names.add(labels.name(id));
                }
            }
            if (problem != null) {
                bad.report(s.lines()[at], problem);
            } else {
                examples.add(new TokenExample(s.words(), names, source));
            }
        }
        if (examples.isEmpty()) throw bad.noExamples("usable sentences");
        return new Dataset<>(file, examples, labels, bad.skipped());
    }

    // ---- CoNLL ------------------------------------------------------------------------------------------

    private static List<RawSentence> conll(Path file, TokenReadOptions options, BadRows bad) throws IOException {
        for (Column c : List.of(options.words(), options.tags())) {
            if (c.selection() == Column.Selection.NAME) {
                throw new ModelFileException(file, "CoNLL columns have no names; choose " + c + " by zero-based index");
            }
        }
        int wordColumn = options.words().selection() == Column.Selection.INDEX ? options.words().index() : 0;
        boolean tagged = options.labelling() == Labelling.LABELLED;
        int tagColumn = options.tags().selection() == Column.Selection.INDEX ? options.tags().index() : -1;
        if (tagged && tagColumn == wordColumn) {
            throw new ModelFileException(file, "the word and the tag are the same column (" + wordColumn + ")");
        }
        List<RawSentence> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        long badLine = 0;
        String badReason = null;
        try (LineReader reader = LineReader.open(file)) {
            for (String line = reader.next(); ; line = reader.next()) {
                String[] cols = line == null || line.isBlank() ? null : COLUMNS.split(line.strip());
                boolean boundary = cols == null || cols[0].equals(DOCSTART);
                if (boundary) {
                    // a sentence with a bad line is reported (or skipped) whole, at its first bad line
                    if (badReason != null) {
                        bad.report(badLine, badReason);
                    } else if (!words.isEmpty()) {
                        out.add(new RawSentence(List.copyOf(words), tagged ? List.copyOf(tags) : null, toArray(lines)));
                    }
                    words.clear();
                    tags.clear();
                    lines.clear();
                    badReason = null;
                    if (line == null) break;
                    continue;
                }
                long n = reader.lineNumber();
                if (badReason != null) continue;
                String reason = null;
                if (wordColumn >= cols.length) {
                    reason = "no word column " + wordColumn + ": the line has " + cols.length + " columns";
                } else if (tagged) {
                    int t = tagColumn >= 0 ? tagColumn : cols.length - 1;
                    if (cols.length < 2) {
                        reason = "no tag: the line holds only '" + cols[0] + "'; expected the word, then its tag in the last column";
                    } else if (t >= cols.length) {
                        reason = "no tag column " + t + ": the line has " + cols.length + " columns";
                    } else if (t == wordColumn) {
                        reason = "the tag column is the word column " + t;
                    } else if (cols[t].isBlank()) {
                        reason = "the tag in column " + t + " is blank (whitespace other than spaces and tabs)";
                    } else {
                        // spaces and tabs separate the columns; other white space around a tag is not part of it
                        tags.add(cols[t].strip());
                    }
                }
                if (reason != null) {
                    badLine = n;
                    badReason = reason;
                    continue;
                }
                words.add(cols[wordColumn]);
                lines.add(n);
            }
        }
        return out;
    }

    // ---- JSONL ------------------------------------------------------------------------------------------

    private static List<RawSentence> json(Path file, TokenReadOptions options, BadRows bad) throws IOException {
        for (Column c : List.of(options.words(), options.tags())) {
            if (c.selection() == Column.Selection.INDEX) {
                throw new ModelFileException(file, "JSON fields are chosen by name, not by index (" + c + ")");
            }
        }
        boolean tagged = options.labelling() == Labelling.LABELLED;
        List<RawSentence> out = new ArrayList<>();
        String wordField = null, tagField = null;
        for (JsonLines.Entry entry : JsonLines.read(file, bad)) {
            JsonNode o = entry.node();
            if (wordField == null) {
                List<String> fields = JsonLines.fieldNames(o);
                String where = "the first object (line " + entry.line() + ") has fields " + fields;
                wordField = field(file, options.words(), WORD_FIELDS, fields, "word", where);
                if (tagged) tagField = field(file, options.tags(), TAG_FIELDS, fields, "tag", where);
            }
            try {
                List<String> words = strings(o.get(wordField), wordField, "word");
                List<String> tags = null;
                if (tagged) {
                    tags = strings(o.get(tagField), tagField, "tag").stream().map(String::strip).toList();
                    if (tags.size() != words.size()) {
                        throw new RowProblem(words.size() + " words but " + tags.size() + " tags");
                    }
                }
                long[] lines = new long[words.size()];
                Arrays.fill(lines, entry.line());
                out.add(new RawSentence(words, tags, lines));
            } catch (RowProblem p) {
                bad.report(entry.line(), p.getMessage());
            }
        }
        return out;
    }

    private static String field(Path file, Column c, List<String> defaults, List<String> fields, String role, String where) {
        if (c.selection() == Column.Selection.NAME) {
            if (!fields.contains(c.name())) throw new ModelFileException(file, "no " + role + " field '" + c.name() + "'; " + where);
            return c.name();
        }
        for (String d : defaults) {
            if (fields.contains(d)) return d;
        }
        throw new ModelFileException(file, "no " + role + " field: none of the default names " + defaults + " is present; "
                + where + "; choose the " + role + " field");
    }

    private static List<String> strings(JsonNode n, String field, String role) throws RowProblem {
        if (n == null || !n.isArray()) {
            throw new RowProblem("the " + role + " field '" + field + "' is " + JsonLines.describe(n) + ", not a list");
        }
        if (n.isEmpty()) throw new RowProblem("the " + role + " list in field '" + field + "' is empty");
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (e.isTextual() && !e.asText().isBlank()) {
                out.add(e.asText());
            } else if (e.isIntegralNumber()) {
                out.add(e.bigIntegerValue().toString());
            } else {
                throw new RowProblem("element " + i + " of the " + role + " list in field '" + field + "' is "
                        + (e.isTextual() ? "blank" : JsonLines.describe(e)));
            }
        }
        return out;
    }

    private static long[] toArray(List<Long> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }
}
