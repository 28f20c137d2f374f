package dev.jbert.heads.predict;

import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.tokenizer.Offset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Token-classification logits into entities with character offsets, following transformers'
 * {@code TokenClassificationPipeline.postprocess}: softmax per token, special tokens dropped, optional
 * word aggregation ({@code aggregate_words}), then grouping ({@code group_entities}), then the ignored
 * labels ({@code O} by default) filtered out.
 *
 * <p>Inputs per example: the {@link Encoding} the model saw (special tokens and padding included, as
 * {@code tokenizer.encode(text)} returns it), the logits rows for exactly those positions ({@code [T, C]}),
 * and the text (or the words) it was made from. Special tokens and padding are recognised by their sequence id
 * ({@code -1}), never by their offsets, so a real token whose offsets are (0, 0) is still classified.
 *
 * <p>Words, for FIRST, AVERAGE and MAX, are the tokenizer's: tokens sharing a word id (the pre-tokenizer's
 * words for text, so punctuation is its own word; the given words for pre-split input). For BERT's WordPiece
 * this is what transformers' test {@code len(token) != len(text[start:end])} finds, without its misfires when
 * normalisation changes a word's length. Hand-built encodings without word ids fall back to the {@code ##}
 * continuation prefix.
 *
 * <p>Grouping ({@code group_entities}): a token or word joins the current entity when its type (the label
 * without {@code B-}/{@code I-}) equals the previous one's and its own tag is not {@code B-}; a label with
 * neither prefix counts as {@code I-}. So an {@code I-} tag with no {@code B-} before it starts an entity,
 * two {@code B-} tags in a row make two entities, and consecutive {@code O}s form an {@code O} group that
 * the default ignore list then drops. An entity's score is the mean of its members' scores; its offsets run
 * from its first member's start to its last member's end (members with an empty span are skipped).
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenClassificationDecoder {

    /** transformers' default {@code ignore_labels}. */
    public static final Set<String> DEFAULT_IGNORE_LABELS = Set.of("O");

    private static final String CONTINUATION_PREFIX = "##";

    private final List<String> labels;
    private final Set<String> ignoreLabels;
    private final String unkToken;

    private TokenClassificationDecoder(List<String> labels, Set<String> ignoreLabels, String unkToken) {
        this.labels = labels;
        this.ignoreLabels = ignoreLabels;
        this.unkToken = unkToken;
    }

    /**
     * A decoder for a model's labels (by class index, e.g. {@code O, B-PER, I-PER, ...}), ignoring {@code O}
     * and taking {@code [UNK]} as the unknown token.
     *
     * @param labels label names by class index: non-empty, distinct, none null
     * @return the decoder
     */
    public static TokenClassificationDecoder of(List<String> labels) {
        return new TokenClassificationDecoder(Copies.labels(labels), DEFAULT_IGNORE_LABELS, "[UNK]");
    }

    /**
     * The labels (NONE) or entity types (other strategies) to leave out of the results; empty keeps all.
     * Word tags ({@link #tagWords}) are never filtered.
     *
     * @param ignore the labels or entity types to leave out; not null
     * @return a copy with that ignore list
     */
    public TokenClassificationDecoder withIgnoreLabels(Collection<String> ignore) {
        if (ignore == null) throw new IllegalArgumentException("ignore labels must not be null; pass an empty list to keep all");
        return new TokenClassificationDecoder(labels, Set.copyOf(ignore), unkToken);
    }

    /**
     * The unknown token's spelling (the tokenizer config's {@code unk_token}).
     *
     * @param token the unknown token, non-empty
     * @return a copy with that unknown token
     */
    public TokenClassificationDecoder withUnkToken(String token) {
        if (token == null || token.isEmpty()) throw new IllegalArgumentException("the unknown token must be a non-empty string");
        return new TokenClassificationDecoder(labels, ignoreLabels, token);
    }

    /** {@return the label names, in class index order} */
    public List<String> labels() {
        return labels;
    }

    /** {@return the labels or entity types left out of decoded results} */
    public Set<String> ignoreLabels() {
        return ignoreLabels;
    }

    // ---------------------------------------------------------------- text input

    /**
     * Decodes one text with any strategy: {@link TokenPrediction}s for NONE, {@link Entity}s otherwise.
     *
     * @param text     the text the encoding was made from ({@code tokenizer.encode(text)}); offsets index it
     * @param encoding the example's encoding, special tokens and padding included
     * @param logits   one row of {@code numLabels} logits per encoding position
     * @param strategy how tokens become entities
     * @return the tokens or entities, in text order
     * @throws IllegalArgumentException when the logits do not have one row per token and one column per label,
     *                                  the encoding is a pair, or an offset lies outside the text
     */
    public List<TokenSpan> decode(String text, Encoding encoding, float[][] logits, AggregationStrategy strategy) {
        requireStrategy(strategy);
        return strategy == AggregationStrategy.NONE
                ? List.copyOf(tokens(text, encoding, logits))
                : List.copyOf(entities(text, encoding, logits, strategy));
    }

    /**
     * Strategy NONE: every non-special token whose label is not ignored, in token order.
     *
     * @param text     the text the encoding was made from; offsets index it
     * @param encoding the example's encoding, special tokens and padding included
     * @param logits   one row of {@code numLabels} logits per encoding position
     * @return the token predictions
     * @throws IllegalArgumentException in the cases of {@link #decode}
     */
    public List<TokenPrediction> tokens(String text, Encoding encoding, float[][] logits) {
        requireText(text);
        return tokenPredictions(text, gather(encoding, logits, text, null));
    }

    /**
     * Entities for strategy SIMPLE, FIRST, AVERAGE or MAX, in text order.
     *
     * @param text     the text the encoding was made from; offsets index it
     * @param encoding the example's encoding, special tokens and padding included
     * @param logits   one row of {@code numLabels} logits per encoding position
     * @param strategy SIMPLE, FIRST, AVERAGE or MAX
     * @return the entities whose type is not ignored
     * @throws IllegalArgumentException for NONE (use {@link #tokens}) and the cases of {@link #decode}
     */
    public List<Entity> entities(String text, Encoding encoding, float[][] logits, AggregationStrategy strategy) {
        requireGrouping(strategy);
        requireText(text);
        return group(text, items(gather(encoding, logits, text, null), strategy));
    }

    // ---------------------------------------------------------------- pre-split input

    /**
     * Decodes pre-split words ({@code tokenizer.encodeWords(words)}) as transformers does for
     * {@code is_split_into_words=True}: the text is the words joined by single spaces ({@link #joinWords}) and
     * every offset is moved from within its word into that text. Words for FIRST, AVERAGE and MAX are the given
     * words, even where the pre-tokenizer split one ({@code "Inc."} stays one word).
     *
     * @param words    the pre-split words the encoding was made from
     * @param encoding the words' encoding, special tokens and padding included
     * @param logits   one row of {@code numLabels} logits per encoding position
     * @param strategy how tokens become entities
     * @return the tokens or entities, offsets indexing the joined text
     * @throws IllegalArgumentException in the cases of {@link #decode}, or for no words or a null word
     */
    public List<TokenSpan> decodeWords(List<String> words, Encoding encoding, float[][] logits,
                                       AggregationStrategy strategy) {
        requireStrategy(strategy);
        String text = joinWords(words);
        List<Pre> pres = gather(encoding, logits, text, wordStarts(words));
        return strategy == AggregationStrategy.NONE
                ? List.copyOf(tokenPredictions(text, pres))
                : List.copyOf(group(text, items(pres, strategy)));
    }

    /**
     * One tag per given word, from its sub-word tokens by FIRST, AVERAGE or MAX: what a CoNLL-style evaluation
     * or output needs. Ignored labels are kept; a word with no token is returned untagged
     * ({@link WordTag#tokenized()} false).
     *
     * @param words    the pre-split words the encoding was made from
     * @param encoding the words' encoding, special tokens and padding included
     * @param logits   one row of {@code numLabels} logits per encoding position
     * @param strategy FIRST, AVERAGE or MAX
     * @return one tag per word, in word order
     * @throws IllegalArgumentException for NONE or SIMPLE (they do not give one label per word), and the cases
     *                                  of {@link #decode}
     */
    public List<WordTag> tagWords(List<String> words, Encoding encoding, float[][] logits, AggregationStrategy strategy) {
        requireStrategy(strategy);
        if (!strategy.aggregatesWords()) {
            throw new IllegalArgumentException("word tags need a word strategy (first, average or max), not " + strategy.cliName());
        }
        String text = joinWords(words);
        List<Item> items = items(gather(encoding, logits, text, wordStarts(words)), strategy);
        Item[] byWord = new Item[words.size()];
        for (Item item : items) byWord[item.wordId] = item;
        List<WordTag> tags = new ArrayList<>(words.size());
        for (int w = 0; w < words.size(); w++) {
            Item item = byWord[w];
            tags.add(item == null
                    ? new WordTag(w, words.get(w), null, 0.0, false)
                    : new WordTag(w, words.get(w), item.label, item.score, true));
        }
        return List.copyOf(tags);
    }

    /**
     * The text transformers rebuilds from pre-split words: the words joined by single spaces.
     *
     * @param words at least one word, none null
     * @return the joined text
     * @throws IllegalArgumentException for no words or a null word
     */
    public static String joinWords(List<String> words) {
        if (words == null || words.isEmpty()) throw new IllegalArgumentException("at least one word is required");
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i) == null) throw new IllegalArgumentException("word " + i + " is null");
        }
        return String.join(" ", words);
    }

    /**
     * Splits a batch's token logits {@code [B·T, C]} (as a token classifier's {@code predict} returns them,
     * flattened) into one {@code [T, C]} block per example. The rows are shared, not copied.
     *
     * @param rows      the batch's logits rows, {@code B·T} of them
     * @param batchSize B, the number of examples
     * @return the rows by example, {@code [B][T][C]}
     * @throws IllegalArgumentException when the rows do not split into {@code batchSize} equal blocks
     */
    public static float[][][] splitBatch(float[][] rows, int batchSize) {
        if (rows == null) throw new IllegalArgumentException("rows must not be null");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (rows.length % batchSize != 0) {
            throw new IllegalArgumentException(rows.length + " logits rows do not split into " + batchSize + " equal examples");
        }
        int t = rows.length / batchSize;
        float[][][] out = new float[batchSize][t][];
        for (int b = 0; b < batchSize; b++) System.arraycopy(rows, b * t, out[b], 0, t);
        return out;
    }

    // ---------------------------------------------------------------- the algorithm

    /** A non-special token: transformers' {@code pre_entity}. */
    private record Pre(int index, String token, double[] probs, int start, int end, int wordId, boolean subword) {
    }

    /** A token (SIMPLE) or word (FIRST, AVERAGE, MAX) with its label, ready for grouping. */
    private record Item(String label, double score, int start, int end, int wordId) {
    }

    /** transformers' {@code gather_pre_entities}; {@code wordStarts} non-null for pre-split input. */
    private List<Pre> gather(Encoding encoding, float[][] logits, String text, int[] wordStarts) {
        if (encoding == null) throw new IllegalArgumentException("encoding must not be null");
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        int n = encoding.length();
        if (logits.length != n) {
            throw new IllegalArgumentException("the logits have " + logits.length + " rows but the encoding has " + n
                    + " tokens (special tokens and padding included); pass exactly this example's rows");
        }
        int[] sequenceIds = encoding.sequenceIds();
        int[] wordIds = encoding.wordIds();
        List<String> tokens = encoding.tokens();
        List<Offset> offsets = encoding.offsets();
        List<Pre> pres = new ArrayList<>();
        Pre previous = null;
        for (int i = 0; i < n; i++) {
            if (logits[i] == null || logits[i].length != labels.size()) {
                throw new IllegalArgumentException("logits row " + i + " has " + (logits[i] == null ? "no" : logits[i].length)
                        + " values; expected " + labels.size() + ", one per label " + labels);
            }
            if (sequenceIds[i] == Encoding.NONE) continue; // [CLS], [SEP], [PAD]
            if (sequenceIds[i] != 0) {
                throw new IllegalArgumentException("token " + i + " ('" + tokens.get(i) + "') belongs to the second text of a pair;"
                        + " token classification decodes a single text");
            }
            String token = tokens.get(i);
            int wordId = wordIds[i];
            Offset offset = offsets.get(i);
            int start = offset.start();
            int end = offset.end();
            if (wordStarts != null) {
                if (wordId < 0 || wordId >= wordStarts.length) {
                    throw new IllegalArgumentException("token " + i + " ('" + token + "') has word id " + wordId + " but "
                            + wordStarts.length + " words were given");
                }
                int wordLength = (wordId + 1 < wordStarts.length ? wordStarts[wordId + 1] - 1 : text.length()) - wordStarts[wordId];
                if (end > wordLength) {
                    throw new IllegalArgumentException("token " + i + " ('" + token + "') has offsets (" + start + ", " + end
                            + ") beyond its word " + wordId + " of length " + wordLength + "; was the encoding made from these words?");
                }
                start += wordStarts[wordId];
                end += wordStarts[wordId];
            } else if (end > text.length()) {
                throw new IllegalArgumentException("token " + i + " ('" + token + "') has offsets (" + start + ", " + end
                        + ") beyond the text of length " + text.length() + "; was the encoding made from this text?");
            }
            boolean subword;
            if (previous == null) subword = false;
            else if (wordId >= 0) subword = wordId == previous.wordId;
            else subword = token.startsWith(CONTINUATION_PREFIX) && !token.equals(unkToken);
            double[] probs;
            try {
                probs = Probabilities.softmax(logits[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("logits row " + i + ": " + e.getMessage(), e);
            }
            Pre pre = new Pre(i, token, probs, start, end, wordId, subword);
            pres.add(pre);
            previous = pre;
        }
        return pres;
    }

    private List<TokenPrediction> tokenPredictions(String text, List<Pre> pres) {
        List<TokenPrediction> out = new ArrayList<>();
        for (Pre p : pres) {
            int best = Probabilities.argmax(p.probs);
            String label = labels.get(best);
            if (ignoreLabels.contains(label)) continue;
            String word = p.token.equals(unkToken) ? text.substring(p.start, p.end) : p.token;
            out.add(new TokenPrediction(label, p.probs[best], p.index, word, p.start, p.end));
        }
        return List.copyOf(out);
    }

    /** The units to group: tokens for SIMPLE; words for FIRST, AVERAGE, MAX ({@code aggregate_words}). */
    private List<Item> items(List<Pre> pres, AggregationStrategy strategy) {
        List<Item> items = new ArrayList<>();
        if (strategy == AggregationStrategy.SIMPLE) {
            for (Pre p : pres) {
                int best = Probabilities.argmax(p.probs);
                items.add(new Item(labels.get(best), p.probs[best], p.start, p.end, p.wordId));
            }
            return items;
        }
        List<Pre> word = new ArrayList<>();
        for (Pre p : pres) {
            if (!word.isEmpty() && !p.subword) {
                items.add(aggregateWord(word, strategy));
                word = new ArrayList<>();
            }
            word.add(p);
        }
        if (!word.isEmpty()) items.add(aggregateWord(word, strategy));
        return items;
    }

    /** transformers' {@code aggregate_word}. */
    private Item aggregateWord(List<Pre> tokens, AggregationStrategy strategy) {
        double[] scores;
        switch (strategy) {
            case FIRST -> scores = tokens.get(0).probs;
            case MAX -> {
                // the first token with the highest top probability, as Python's max() keeps the first
                Pre best = tokens.get(0);
                for (Pre p : tokens) if (max(p.probs) > max(best.probs)) best = p;
                scores = best.probs;
            }
            case AVERAGE -> {
                scores = new double[labels.size()];
                for (Pre p : tokens) for (int c = 0; c < scores.length; c++) scores[c] += p.probs[c];
                for (int c = 0; c < scores.length; c++) scores[c] /= tokens.size();
            }
            default -> throw new IllegalArgumentException(strategy + " does not aggregate words");
        }
        int best = Probabilities.argmax(scores);
        int[] span = span(tokens.stream().map(p -> new int[]{p.start, p.end}).toList());
        return new Item(labels.get(best), scores[best], span[0], span[1], tokens.get(0).wordId);
    }

    /** transformers' {@code group_entities} and {@code group_sub_entities}, then the ignore filter. */
    private List<Entity> group(String text, List<Item> items) {
        List<Entity> entities = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        for (Item item : items) {
            if (!current.isEmpty()) {
                Item last = current.get(current.size() - 1);
                boolean continues = type(item.label).equals(type(last.label)) && !item.label.startsWith("B-");
                if (!continues) {
                    entities.add(entity(text, current));
                    current = new ArrayList<>();
                }
            }
            current.add(item);
        }
        if (!current.isEmpty()) entities.add(entity(text, current));
        return entities.stream().filter(e -> !ignoreLabels.contains(e.entityGroup())).toList();
    }

    private static Entity entity(String text, List<Item> members) {
        double sum = 0;
        for (Item m : members) sum += m.score;
        int[] span = span(members.stream().map(m -> new int[]{m.start, m.end}).toList());
        return new Entity(type(members.get(0).label), sum / members.size(), text.substring(span[0], span[1]), span[0], span[1]);
    }

    /** From the first member's start to the last member's end, skipping empty spans; empty if all are. */
    private static int[] span(List<int[]> spans) {
        int start = -1;
        int end = -1;
        for (int[] s : spans) {
            if (s[1] <= s[0]) continue;
            if (start < 0) start = s[0];
            end = s[1];
        }
        if (start < 0) return new int[]{spans.get(0)[0], spans.get(0)[0]};
        return new int[]{start, Math.max(start, end)};
    }

    /** The entity type: the label without its {@code B-} or {@code I-} prefix ({@code get_tag}). */
    static String type(String label) {
        return label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
    }

    private static double max(double[] values) {
        double m = values[0];
        for (double v : values) m = Math.max(m, v);
        return m;
    }

    private static int[] wordStarts(List<String> words) {
        joinWords(words); // validates
        int[] starts = new int[words.size()];
        int at = 0;
        for (int w = 0; w < words.size(); w++) {
            starts[w] = at;
            at += words.get(w).length() + 1;
        }
        return starts;
    }

    private static void requireText(String text) {
        if (text == null) throw new IllegalArgumentException("text must not be null: offsets index it");
    }

    private static void requireStrategy(AggregationStrategy strategy) {
        if (strategy == null) throw new IllegalArgumentException("aggregation strategy must not be null");
    }

    private static void requireGrouping(AggregationStrategy strategy) {
        requireStrategy(strategy);
        if (strategy == AggregationStrategy.NONE) {
            throw new IllegalArgumentException("strategy none gives tokens, not entities: call tokens() or decode()");
        }
    }
}
