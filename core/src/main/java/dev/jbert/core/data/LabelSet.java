package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The class names of a classifier in id order: id {@code i} is {@code names().get(i)}, as a saved
 * model's {@code id2label} records them. Built from the training file ({@link #inferred}, sorted) or
 * given ({@link #of}, {@link #readNames}). Immutable.
 *
 * <p>A label in a file resolves by name first. When no name looks like a number, a non-negative
 * integer is also accepted as an id, so files that store ids (GoEmotions) work with a list of names.
 */
public final class LabelSet {

    /** How many names an error message lists before it abbreviates. */
    private static final int SHOWN_IN_MESSAGES = 30;

    private final List<String> names;
    private final Map<String, Integer> ids;
    /** Whether some name parses as a number: then a number in a file is a name, never an id. */
    private final boolean numericNames;

    private LabelSet(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("a label set needs at least one label");
        }
        Map<String, Integer> map = new HashMap<>();
        boolean numeric = false;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("label " + i + " is null or blank");
            }
            if (!name.equals(name.strip())) {
                throw new IllegalArgumentException("label " + i + " ('" + name + "') has surrounding spaces");
            }
            Integer earlier = map.put(name, i);
            if (earlier != null) {
                throw new IllegalArgumentException("label '" + name + "' appears twice (ids " + earlier + " and " + i + ")");
            }
            numeric |= number(name) != null;
        }
        this.names = List.copyOf(names);
        this.ids = Map.copyOf(map);
        this.numericNames = numeric;
    }

    /**
     * The given names in the given order (id = position).
     *
     * @param names the label names, distinct, in id order
     * @return the label set
     */
    public static LabelSet of(List<String> names) {
        return new LabelSet(names);
    }

    /**
     * The distinct labels seen in a training file, sorted: numerically when every label is a number (so
     * "0", "1", "10" keep ids 0, 1, 2 and a file of ids keeps them), otherwise lexicographically, as
     * transformers' examples sort theirs.
     *
     * @param seen the labels of the training examples, repeats allowed, not empty
     * @return the label set
     */
    public static LabelSet inferred(Collection<String> seen) {
        if (seen == null || seen.isEmpty()) {
            throw new IllegalArgumentException("no labels to infer a label set from");
        }
        TreeSet<String> distinct = new TreeSet<>(seen);
        boolean allNumbers = distinct.stream().allMatch(s -> number(s) != null);
        Comparator<String> order = allNumbers
                ? Comparator.comparing(LabelSet::number).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        List<String> sorted = new ArrayList<>(distinct);
        sorted.sort(order);
        return new LabelSet(sorted);
    }

    /**
     * Names from a file, one per line in id order (as GoEmotions' {@code emotions.txt}); blank lines and
     * surrounding spaces are ignored.
     *
     * @param file the names file, UTF-8
     * @return the label set
     * @throws ModelFileException if the file is missing, holds no names or repeats one
     */
    public static LabelSet readNames(Path file) {
        List<String> names = new ArrayList<>();
        Map<String, Long> lineOf = new HashMap<>();
        try (LineReader lines = LineReader.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                String name = line.strip();
                if (name.isEmpty()) continue;
                Long earlier = lineOf.putIfAbsent(name, lines.lineNumber());
                if (earlier != null) {
                    throw new ModelFileException(file, "line " + lines.lineNumber() + ": label '" + name
                            + "' already appears on line " + earlier);
                }
                names.add(name);
            }
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "label names file not found");
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read the label names: " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw new ModelFileException(file, "no label names: expected one label per line");
        }
        return new LabelSet(names);
    }

    /**
     * Number of labels.
     *
     * @return the number of labels
     */
    public int size() {
        return names.size();
    }

    /**
     * The names in id order.
     *
     * @return the label names, in id order
     */
    public List<String> names() {
        return names;
    }

    /**
     * The name of class {@code id}.
     *
     * @param id a class id, in {@code [0, size())}
     * @return its name
     */
    public String name(int id) {
        if (id < 0 || id >= names.size()) {
            throw new IndexOutOfBoundsException("class id " + id + " outside [0, " + names.size() + ")");
        }
        return names.get(id);
    }

    /**
     * The id of the label named exactly {@code name}, or -1.
     *
     * @param name the label's name
     * @return its id, or -1
     */
    public int idOf(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    /**
     * The id of a label as a file writes it: its name (surrounding spaces ignored) or, when no name
     * looks like a number, an integer id in range; -1 if it is neither.
     *
     * @param label the label as written, or null (-1)
     * @return its id, or -1
     */
    public int resolve(String label) {
        if (label == null) return -1;
        String s = label.strip();
        int id = idOf(s);
        if (id >= 0 || numericNames) return id;
        if (!s.isEmpty() && s.length() < 10 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = Integer.parseInt(s);
            return n < names.size() ? n : -1;
        }
        return -1;
    }

    /**
     * For each class id, the id its continuation subwords get under {@link SubwordLabels#ALL_SUBWORDS}:
     * {@code B-X} maps to {@code I-X} when that label exists, every other label to itself (transformers'
     * {@code run_ner} {@code b_to_i_label}).
     *
     * @return {@code [size()]}, indexed by class id
     */
    public int[] insideIds() {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            String name = names.get(i);
            int inside = name.startsWith("B-") ? idOf("I-" + name.substring(2)) : -1;
            out[i] = inside >= 0 ? inside : i;
        }
        return out;
    }

    /**
     * {@code id2label} as a saved config writes it.
     *
     * @return the name of each id, in id order
     */
    public Map<Integer, String> id2label() {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) out.put(i, names.get(i));
        return out;
    }

    /**
     * {@code label2id}.
     *
     * @return the id of each name, in id order
     */
    public Map<String, Integer> label2id() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) out.put(names.get(i), i);
        return out;
    }

    /** The names for an error message, abbreviated when there are many. */
    String describe() {
        if (names.size() <= SHOWN_IN_MESSAGES) return names.toString();
        return names.subList(0, SHOWN_IN_MESSAGES) + " and " + (names.size() - SHOWN_IN_MESSAGES) + " more";
    }

    private static BigDecimal number(String s) {
        // BigDecimal accepts exponents and signs but not "NaN", "Infinity" or hex, which is what we want
        try {
            return s.isEmpty() ? null : new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "LabelSet" + names;
    }
}
