package dev.jbert.core.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entity-level precision, recall and F1 exactly as the CoNLL shared task's scorer {@code conlleval.pl}
 * (version 2004-01-26, default options) computes them.
 *
 * <p>Chunks are found with conlleval's own start and end rules over tag prefixes (B, I, E, the bracket tags
 * and "."), so ill-formed sequences count as conlleval counts them: an {@code I-} after {@code O} or after
 * another type starts a chunk. conlleval has no rule for {@code S-}; such a tag starts a chunk only when the
 * type changes, so {@code S-PER S-PER} is one chunk, as conlleval scores it. A tag splits at its first hyphen
 * into prefix and type ({@code B-WORK-OF-ART} has type {@code WORK-OF-ART}), and the type "0" counts as no
 * type because Perl treats the string "0" as false. A predicted chunk is correct only when its start, end
 * and type match a gold chunk.
 *
 * <p>Each sentence is scored as if followed by an empty line in conlleval's input: a sentence boundary,
 * which ends a chunk by the rules above (a chunk held open by {@code .} tags survives it, as in conlleval).
 * The last sentence is treated like the others, which matters only for such tags: with gold
 * {@code B-PER I-PER} and prediction {@code B-PER .-PER} at the end of the input the chunk is not correct,
 * though conlleval would count it if its input ended without an empty line.
 */
public final class ConllEval {

    private ConllEval() {
    }

    /**
     * Scores predicted tag sequences against gold ones.
     *
     * @param gold      one list of tags per sentence, such as {@code B-PER}, {@code I-PER}, {@code O}
     * @param predicted the predicted tags, with the same number of sentences and tokens per sentence
     * @return the overall and per-type scores
     * @throws IllegalArgumentException when the lists are null, hold no token, differ in shape, or hold a tag
     *                                  that is null, empty or contains whitespace (conlleval's input could
     *                                  not carry it)
     */
    public static NerReport evaluate(List<List<String>> gold, List<List<String>> predicted) {
        Checks.notNull(gold, "gold");
        Checks.notNull(predicted, "predicted");
        Checks.sameLength(gold.size(), predicted.size(), "sentences");
        Scorer scorer = new Scorer();
        for (int s = 0; s < gold.size(); s++) {
            List<String> goldTags = gold.get(s);
            List<String> predictedTags = predicted.get(s);
            if (goldTags == null || predictedTags == null) {
                throw new IllegalArgumentException("expected a tag list for sentence " + s + ", found null");
            }
            if (goldTags.size() != predictedTags.size()) {
                throw new IllegalArgumentException("expected as many predicted tags as gold tags in sentence " + s
                        + ", found " + goldTags.size() + " gold and " + predictedTags.size() + " predicted");
            }
            for (int t = 0; t < goldTags.size(); t++) {
                scorer.token(Tag.parse(goldTags.get(t), s, t), Tag.parse(predictedTags.get(t), s, t), false);
            }
            scorer.token(Tag.OUTSIDE, Tag.OUTSIDE, true);
        }
        Checks.notEmpty(scorer.tokens, "token");
        return scorer.report();
    }

    /** A tag split as conlleval splits it: prefix before the first hyphen, type after it. */
    private record Tag(String prefix, String type) {

        static final Tag OUTSIDE = new Tag("O", "");

        static Tag parse(String tag, int sentence, int token) {
            if (tag == null || tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("expected a non-empty tag without whitespace at sentence "
                        + sentence + ", token " + token + ", found " + (tag == null ? "null" : "'" + tag + "'"));
            }
            int hyphen = tag.indexOf('-');
            if (hyphen < 0) {
                return new Tag(tag, "");
            }
            String type = tag.substring(hyphen + 1);
            return new Tag(tag.substring(0, hyphen), type.equals("0") ? "" : type);
        }
    }

    /** conlleval's main loop; field names follow its variables so the two can be read side by side. */
    private static final class Scorer {
        private final Map<String, int[]> perType = new TreeMap<>();
        private int tokens;
        private int correctTags;
        private int foundCorrect;
        private int foundGuessed;
        private int correctChunk;
        private boolean inCorrect;
        private Tag lastCorrect = Tag.OUTSIDE;
        private Tag lastGuessed = Tag.OUTSIDE;

        void token(Tag correct, Tag guessed, boolean boundary) {
            if (inCorrect) {
                boolean correctEnds = endOfChunk(lastCorrect, correct);
                boolean guessedEnds = endOfChunk(lastGuessed, guessed);
                if (correctEnds && guessedEnds && lastGuessed.type().equals(lastCorrect.type())) {
                    inCorrect = false;
                    countCorrectChunk(lastCorrect.type());
                } else if (correctEnds != guessedEnds || !guessed.type().equals(correct.type())) {
                    inCorrect = false;
                }
            }
            boolean correctStarts = startOfChunk(lastCorrect, correct);
            boolean guessedStarts = startOfChunk(lastGuessed, guessed);
            if (correctStarts && guessedStarts && guessed.type().equals(correct.type())) {
                inCorrect = true;
            }
            if (correctStarts) {
                foundCorrect++;
                counts(correct.type())[0]++;
            }
            if (guessedStarts) {
                foundGuessed++;
                counts(guessed.type())[1]++;
            }
            if (!boundary) {
                if (correct.equals(guessed)) {
                    correctTags++;
                }
                tokens++;
            }
            lastCorrect = correct;
            lastGuessed = guessed;
        }

        NerReport report() {
            // The boundary after the last sentence has closed every chunk except one held open by "." tags,
            // which conlleval counts at the end of its input under the last type it saw.
            if (inCorrect) {
                countCorrectChunk(lastCorrect.type());
            }
            // Like conlleval's per-type listing, only types with a gold or a guessed chunk.
            TreeMap<String, ChunkCounts> types = new TreeMap<>();
            perType.forEach((type, c) -> {
                if (c[0] > 0 || c[1] > 0) {
                    types.put(type, new ChunkCounts(c[0], c[1], c[2]));
                }
            });
            return new NerReport(tokens, correctTags, new ChunkCounts(foundCorrect, foundGuessed, correctChunk),
                    types);
        }

        private void countCorrectChunk(String type) {
            correctChunk++;
            counts(type)[2]++;
        }

        private int[] counts(String type) {
            return perType.computeIfAbsent(type, t -> new int[3]);
        }
    }

    private static boolean endOfChunk(Tag previous, Tag current) {
        String prev = previous.prefix();
        String tag = current.prefix();
        boolean end = prev.equals("B") && (tag.equals("B") || tag.equals("O"))
                || prev.equals("I") && (tag.equals("B") || tag.equals("O"))
                || prev.equals("E") && (tag.equals("E") || tag.equals("I") || tag.equals("O"));
        if (!prev.equals("O") && !prev.equals(".") && !previous.type().equals(current.type())) {
            end = true;
        }
        // conlleval: bracket chunks are assumed to be one token long
        return end || prev.equals("]") || prev.equals("[");
    }

    private static boolean startOfChunk(Tag previous, Tag current) {
        String prev = previous.prefix();
        String tag = current.prefix();
        boolean start = (prev.equals("B") || prev.equals("I") || prev.equals("O")) && tag.equals("B")
                || prev.equals("O") && (tag.equals("I") || tag.equals("E"))
                || prev.equals("E") && (tag.equals("E") || tag.equals("I"));
        if (!tag.equals("O") && !tag.equals(".") && !previous.type().equals(current.type())) {
            start = true;
        }
        return start || tag.equals("[") || tag.equals("]");
    }
}
