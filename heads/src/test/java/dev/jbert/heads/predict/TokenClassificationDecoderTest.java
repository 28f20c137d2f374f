package dev.jbert.heads.predict;

import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import dev.jbert.core.tokenizer.Encoding;
import dev.jbert.core.tokenizer.Offset;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jbert.heads.predict.AggregationStrategy.AVERAGE;
import static dev.jbert.heads.predict.AggregationStrategy.FIRST;
import static dev.jbert.heads.predict.AggregationStrategy.MAX;
import static dev.jbert.heads.predict.AggregationStrategy.NONE;
import static dev.jbert.heads.predict.AggregationStrategy.SIMPLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every strategy on hand-made logits over the token-cls fixture's real (cased) tokenization.
 *
 * <p>Each token row favours one label with weight w: its logit is ln w and the other eight are 0, so the
 * softmax gives that label w / (w + 8) and every other label 1 / (w + 8). Weight 24 gives 0.75 (others
 * 1/32), 56 gives 0.875 (others 1/64), 120 gives 0.9375 (others 1/128).
 */
class TokenClassificationDecoderTest {

    private static final double EPS = 1e-6;
    private static final List<String> LABELS =
            List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
    private static final String TEXT = "Hugging Face Inc. is in New York";
    private static final List<String> WORDS = List.of("Hugging", "Face", "Inc.", "is", "in", "New", "York");

    private static Tokenizer tokenizer;
    private static final TokenClassificationDecoder DECODER = TokenClassificationDecoder.of(LABELS);

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = Tokenizer.fromDirectory(Fixtures.folder("token-cls"));
    }

    /** A logits row where {@code label} has weight {@code weight} and every other label weight 1. */
    static float[] row(String label, double weight) {
        float[] logits = new float[LABELS.size()];
        int c = LABELS.indexOf(label);
        if (c < 0) throw new IllegalArgumentException(label);
        logits[c] = (float) Math.log(weight);
        return logits;
    }

    /**
     * The logits of the running example. The special tokens strongly favour B-PER to show they are skipped.
     * <pre>
     *  pos token   span     favoured      p
     *   1  H       (0,1)    B-ORG  24    0.75
     *   2  ##ug    (1,3)    B-ORG  24    0.75
     *   3  ##ging  (3,7)    I-PER  56    0.875
     *   4  F       (8,9)    O      24    0.75
     *   5  ##ace   (9,12)   I-ORG 120    0.9375
     *   6  Inc     (13,16)  I-ORG  24    0.75
     *   7  .       (16,17)  I-ORG  24    0.75
     *   8  is      (18,20)  O      24    0.75
     *   9  in      (21,23)  O      24    0.75
     *  10  New     (24,27)  B-LOC  24    0.75
     *  11  York    (28,32)  I-LOC  24    0.75
     * </pre>
     */
    static float[][] example() {
        return new float[][]{
                row("B-PER", 1000), row("B-ORG", 24), row("B-ORG", 24), row("I-PER", 56), row("O", 24),
                row("I-ORG", 120), row("I-ORG", 24), row("I-ORG", 24), row("O", 24), row("O", 24),
                row("B-LOC", 24), row("I-LOC", 24), row("B-PER", 1000)};
    }

    private static Encoding encodeText() {
        return tokenizer.encode(TEXT);
    }

    @Test
    void theFixtureTokenizesAsTheTableSays() {
        Encoding e = encodeText();
        assertEquals(List.of("[CLS]", "H", "##ug", "##ging", "F", "##ace", "Inc", ".", "is", "in", "New", "York", "[SEP]"),
                e.tokens());
        assertEquals(new Offset(9, 12), e.offsets().get(5));
        // "." is its own pre-tokenizer word in text mode
        assertEquals(List.of(-1, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, -1), boxed(e.wordIds()));
    }

    @Test
    void noneReturnsEveryNonSpecialTokenExceptO() {
        List<TokenPrediction> tokens = DECODER.tokens(TEXT, encodeText(), example());
        // positions 4 (F), 8 (is), 9 (in) are O and dropped; [CLS] and [SEP] are special, whatever their logits
        assertEquals(List.of(
                new TokenPrediction("B-ORG", 0.75, 1, "H", 0, 1),
                new TokenPrediction("B-ORG", 0.75, 2, "##ug", 1, 3),
                new TokenPrediction("I-PER", 0.875, 3, "##ging", 3, 7),
                new TokenPrediction("I-ORG", 0.9375, 5, "##ace", 9, 12),
                new TokenPrediction("I-ORG", 0.75, 6, "Inc", 13, 16),
                new TokenPrediction("I-ORG", 0.75, 7, ".", 16, 17),
                new TokenPrediction("B-LOC", 0.75, 10, "New", 24, 27),
                new TokenPrediction("I-LOC", 0.75, 11, "York", 28, 32)), rounded(tokens));
        assertEquals(tokens, DECODER.decode(TEXT, encodeText(), example(), NONE));
    }

    @Test
    void simpleGroupsTokensAndMaySplitWords() {
        // tags: B-ORG B-ORG I-PER O I-ORG I-ORG I-ORG O O B-LOC I-LOC
        // H and ##ug are both B-: two entities. ##ging (PER) breaks the word. ##ace starts an ORG with an I-
        // tag after O and takes Inc and "." along: score (0.9375 + 0.75 + 0.75) / 3 = 0.8125.
        assertEquals(List.of(
                new Entity("ORG", 0.75, "H", 0, 1),
                new Entity("ORG", 0.75, "ug", 1, 3),
                new Entity("PER", 0.875, "ging", 3, 7),
                new Entity("ORG", 0.8125, "ace Inc.", 9, 17),
                new Entity("LOC", 0.75, "New York", 24, 32)),
                rounded(DECODER.entities(TEXT, encodeText(), example(), SIMPLE)));
    }

    @Test
    void firstTakesEachWordsFirstSubword() {
        // words: Hugging <- H (B-ORG .75), Face <- F (O .75), Inc (I-ORG), "." (I-ORG), is, in (O),
        // New (B-LOC), York (I-LOC). Face's O ends the first ORG; Inc's I-ORG after O starts another.
        assertEquals(List.of(
                new Entity("ORG", 0.75, "Hugging", 0, 7),
                new Entity("ORG", 0.75, "Inc.", 13, 17),
                new Entity("LOC", 0.75, "New York", 24, 32)),
                rounded(DECODER.entities(TEXT, encodeText(), example(), FIRST)));
    }

    @Test
    void averageTakesTheArgmaxOfTheMeanProbabilities() {
        // Hugging: B-ORG (0.75 + 0.75 + 1/64) / 3 = 97/192 beats I-PER (1/32 + 1/32 + 0.875) / 3 = 60/192.
        // Face: I-ORG (1/32 + 0.9375) / 2 = 124/256 beats O (0.75 + 1/128) / 2 = 97/256.
        // One ORG over four words: (97/192 + 124/256 + 0.75 + 0.75) / 4 = (97 + 93 + 144 + 144) / 768 = 478/768.
        assertEquals(List.of(
                new Entity("ORG", round(478.0 / 768), "Hugging Face Inc.", 0, 17),
                new Entity("LOC", 0.75, "New York", 24, 32)),
                rounded(DECODER.entities(TEXT, encodeText(), example(), AVERAGE)));
    }

    @Test
    void maxTakesTheMostConfidentSubword() {
        // Hugging: its most confident token is ##ging (0.875 > 0.75): I-PER 0.875.
        // Face: ##ace (0.9375 > 0.75): I-ORG 0.9375; ORG differs from PER so a new entity starts there.
        // ORG score (0.9375 + 0.75 + 0.75) / 3 = 0.8125.
        assertEquals(List.of(
                new Entity("PER", 0.875, "Hugging", 0, 7),
                new Entity("ORG", 0.8125, "Face Inc.", 8, 17),
                new Entity("LOC", 0.75, "New York", 24, 32)),
                rounded(DECODER.entities(TEXT, encodeText(), example(), MAX)));
    }

    @Test
    void anEmptyIgnoreListKeepsTheOGroups() {
        List<Entity> all = DECODER.withIgnoreLabels(List.of()).entities(TEXT, encodeText(), example(), FIRST);
        // FIRST words: ORG(Hugging) O(Face) ORG(Inc .) O(is in) LOC(New York)
        assertEquals(List.of("ORG", "O", "ORG", "O", "LOC"), all.stream().map(Entity::entityGroup).toList());
        assertEquals(new Entity("O", 0.75, "is in", 18, 23), rounded(all).get(3));
        assertEquals(11, DECODER.withIgnoreLabels(List.of()).tokens(TEXT, encodeText(), example()).size());
    }

    @Test
    void anITagWithoutBStartsAnEntityAndAnEntityMayEndTheText() {
        String text = "Angela Merkel visited Washington";
        Encoding e = tokenizer.encode(text);
        assertEquals(List.of("[CLS]", "Angel", "##a", "Me", "##rk", "##el", "visited", "Washington", "[SEP]"), e.tokens());
        // every PER token is I-PER (no B- anywhere); Washington, the last token, is B-LOC
        float[][] logits = {row("O", 24), row("I-PER", 24), row("I-PER", 24), row("I-PER", 24), row("I-PER", 24),
                row("I-PER", 24), row("O", 24), row("B-LOC", 56), row("O", 24)};
        for (AggregationStrategy s : List.of(SIMPLE, FIRST, AVERAGE, MAX)) {
            assertEquals(List.of(
                    new Entity("PER", 0.75, "Angela Merkel", 0, 13),
                    new Entity("LOC", 0.875, "Washington", 22, 32)),
                    rounded(DECODER.entities(text, e, logits, s)), s.toString());
        }
    }

    @Test
    void twoBTagsInARowAreTwoEntities() {
        String text = "Angela Merkel visited Washington";
        Encoding e = tokenizer.encode(text);
        // FIRST: Angela <- Angel B-PER, Merkel <- Me B-PER: two PER entities, as in transformers
        float[][] logits = {row("O", 24), row("B-PER", 24), row("I-PER", 24), row("B-PER", 24), row("I-PER", 24),
                row("I-PER", 24), row("O", 24), row("O", 24), row("O", 24)};
        assertEquals(List.of(new Entity("PER", 0.75, "Angela", 0, 6), new Entity("PER", 0.75, "Merkel", 7, 13)),
                rounded(DECODER.entities(text, e, logits, FIRST)));
    }

    @Test
    void labelsWithoutBioPrefixesGroupWhenAdjacent() {
        // transformers' get_tag treats a bare label as I-: adjacent PER words merge
        TokenClassificationDecoder plain = TokenClassificationDecoder.of(List.of("O", "PER"));
        String text = "Angela Merkel visited Washington";
        Encoding e = tokenizer.encode(text);
        float[] per = {0f, (float) Math.log(3)}; // softmax: PER 3/4
        float[] o = {(float) Math.log(3), 0f};
        float[][] logits = {o, per, per, per, per, per, o, per, o};
        assertEquals(List.of(new Entity("PER", 0.75, "Angela Merkel", 0, 13), new Entity("PER", 0.75, "Washington", 22, 32)),
                rounded(plain.entities(text, e, logits, SIMPLE)));
    }

    @Test
    void allOGivesNothing() {
        float[][] logits = new float[13][];
        for (int i = 0; i < logits.length; i++) logits[i] = row("O", 24);
        for (AggregationStrategy s : AggregationStrategy.values()) {
            assertEquals(List.of(), DECODER.decode(TEXT, encodeText(), logits, s), s.toString());
        }
    }

    @Test
    void aRealTokenWithOffsetsZeroZeroIsClassifiedButAddsNoText() {
        // hand-built: "Bob runs" with a zero-width token after Bob, offsets (0, 0) like the special tokens but
        // sequence id 0, so it is a real token
        String text = "Bob runs";
        Encoding e = new Encoding(List.of("[CLS]", "Bob", "[ZW]", "runs", "[SEP]"), new int[]{2, 10, 11, 12, 3},
                new int[5], new int[]{1, 1, 1, 1, 1}, new int[]{-1, 0, 1, 2, -1},
                List.of(Offset.NONE, new Offset(0, 3), Offset.NONE, new Offset(4, 8), Offset.NONE),
                new int[]{-1, 0, 0, 0, -1}, false);
        float[][] logits = {row("B-LOC", 1000), row("B-PER", 24), row("I-PER", 56), row("O", 24), row("B-LOC", 1000)};
        assertEquals(List.of(new TokenPrediction("B-PER", 0.75, 1, "Bob", 0, 3),
                        new TokenPrediction("I-PER", 0.875, 2, "[ZW]", 0, 0)),
                rounded(DECODER.tokens(text, e, logits)));
        // grouped with Bob it counts in the score, (0.75 + 0.875) / 2 = 0.8125, but not in the span
        assertEquals(List.of(new Entity("PER", 0.8125, "Bob", 0, 3)), rounded(DECODER.entities(text, e, logits, SIMPLE)));
        // alone, it is an entity with an empty span at its own offset
        logits[2] = row("B-MISC", 56);
        assertEquals(List.of(new Entity("PER", 0.75, "Bob", 0, 3), new Entity("MISC", 0.875, "", 0, 0)),
                rounded(DECODER.entities(text, e, logits, FIRST)));
    }

    @Test
    void theUnknownTokenShowsItsText() {
        String text = "Bob ☃ runs";
        Encoding e = tokenizer.encode(text);
        int unk = e.tokens().indexOf("[UNK]");
        assertTrue(unk > 0, "the fixture vocabulary has no snowman: " + e.tokens());
        float[][] logits = new float[e.length()][];
        for (int i = 0; i < logits.length; i++) logits[i] = row(i == unk ? "B-MISC" : "O", 24);
        TokenPrediction t = DECODER.tokens(text, e, logits).get(0);
        assertEquals("☃", t.word());
        assertEquals(new Entity("MISC", 0.75, "☃", 4, 5), rounded(DECODER.entities(text, e, logits, MAX)).get(0));
    }

    // ---------------------------------------------------------------- pre-split words

    @Test
    void preSplitWordsGetOneTagEach() {
        Encoding e = tokenizer.encodeWords(WORDS);
        // same tokens as the text, but "Inc." is one given word (Inc and . share word id 2) and offsets are
        // within each word
        assertEquals(List.of(-1, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, -1), boxed(e.wordIds()));
        assertEquals(new Offset(1, 4), e.offsets().get(5));

        assertEquals(List.of("B-ORG", "O", "I-ORG", "O", "O", "B-LOC", "I-LOC"),
                labels(DECODER.tagWords(WORDS, e, example(), FIRST)));
        // MAX: Hugging <- ##ging (I-PER .875), Face <- ##ace (I-ORG .9375)
        List<WordTag> max = DECODER.tagWords(WORDS, e, example(), MAX);
        assertEquals(List.of("I-PER", "I-ORG", "I-ORG", "O", "O", "B-LOC", "I-LOC"), labels(max));
        assertEquals(new WordTag(1, "Face", "I-ORG", 0.9375, true), roundedTag(max.get(1)));
        // AVERAGE: Hugging B-ORG 97/192, Face I-ORG 124/256, "Inc." the mean of two 0.75 rows
        List<WordTag> avg = DECODER.tagWords(WORDS, e, example(), AVERAGE);
        assertEquals(List.of("B-ORG", "I-ORG", "I-ORG", "O", "O", "B-LOC", "I-LOC"), labels(avg));
        assertEquals(97.0 / 192, avg.get(0).score(), EPS);
        assertEquals(0.75, avg.get(2).score(), EPS);
    }

    @Test
    void preSplitEntitiesIndexTheWordsJoinedBySpaces() {
        Encoding e = tokenizer.encodeWords(WORDS);
        assertEquals(TEXT, TokenClassificationDecoder.joinWords(WORDS));
        // AVERAGE over three given words: (97/192 + 93/192 + 144/192) / 3 = 334/576
        assertEquals(List.of(
                new Entity("ORG", round(334.0 / 576), "Hugging Face Inc.", 0, 17),
                new Entity("LOC", 0.75, "New York", 24, 32)),
                rounded(DECODER.decodeWords(WORDS, e, example(), AVERAGE)));
        // NONE: in-word offsets moved into the joined text, e.g. ##ace (1,4) of word 1 at 8 -> (9,12)
        List<TokenSpan> none = DECODER.decodeWords(WORDS, e, example(), NONE);
        assertEquals(new TokenPrediction("I-ORG", 0.9375, 5, "##ace", 9, 12), rounded(none.get(3)));
        assertEquals(DECODER.tokens(TEXT, encodeText(), example()), none, "same as the text in this case");
    }

    @Test
    void wordsCutByTruncationAreUntagged() {
        Encoding e = tokenizer.encodeWords(WORDS, new EncodeOptions(6, EncodeOptions.Truncation.LONGEST_FIRST,
                EncodeOptions.Padding.NONE));
        assertEquals(List.of("[CLS]", "H", "##ug", "##ging", "F", "[SEP]"), e.tokens());
        float[][] full = example();
        float[][] logits = {full[0], full[1], full[2], full[3], full[4], full[12]};
        List<WordTag> tags = DECODER.tagWords(WORDS, e, logits, FIRST);
        assertEquals(7, tags.size());
        assertEquals(new WordTag(1, "Face", "O", 0.75, true), roundedTag(tags.get(1)));
        assertEquals(new WordTag(2, "Inc.", null, 0.0, false), tags.get(2));
        assertFalse(tags.get(6).tokenized());
        assertNull(tags.get(6).label());
    }

    @Test
    void anEmptyWordHasNoTokenButKeepsItsPlace() {
        List<String> words = List.of("Bob", "", "runs");
        Encoding e = tokenizer.encodeWords(words);
        assertEquals(List.of("[CLS]", "Bob", "runs", "[SEP]"), e.tokens());
        float[][] logits = {row("O", 24), row("B-PER", 24), row("B-LOC", 24), row("O", 24)};
        List<WordTag> tags = DECODER.tagWords(words, e, logits, FIRST);
        assertEquals(java.util.Arrays.asList("B-PER", null, "B-LOC"), labels(tags));
        // joined text "Bob  runs": runs (0,4) in word 2, which starts at 3 + 1 + 0 + 1 = 5
        assertEquals(List.of(new Entity("PER", 0.75, "Bob", 0, 3), new Entity("LOC", 0.75, "runs", 5, 9)),
                rounded(DECODER.decodeWords(words, e, logits, SIMPLE)));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInputIsAClearError() {
        Encoding e = encodeText();
        float[][] logits = example();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> DECODER.entities(TEXT, e, java.util.Arrays.copyOf(logits, 12), SIMPLE));
        assertTrue(x.getMessage().contains("12 rows but the encoding has 13 tokens"), x.getMessage());

        float[][] narrow = example();
        narrow[3] = new float[8];
        x = assertThrows(IllegalArgumentException.class, () -> DECODER.tokens(TEXT, e, narrow));
        assertTrue(x.getMessage().contains("row 3 has 8 values; expected 9"), x.getMessage());

        x = assertThrows(IllegalArgumentException.class, () -> AggregationStrategy.parse("bogus"));
        assertEquals("unknown aggregation strategy 'bogus'; expected one of [none, simple, first, average, max]", x.getMessage());
        assertEquals(AVERAGE, AggregationStrategy.parse(" Average "));
        assertThrows(IllegalArgumentException.class, () -> AggregationStrategy.parse(null));

        x = assertThrows(IllegalArgumentException.class, () -> DECODER.entities(TEXT, e, logits, NONE));
        assertTrue(x.getMessage().contains("tokens()"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class,
                () -> DECODER.tagWords(WORDS, tokenizer.encodeWords(WORDS), logits, SIMPLE));
        assertTrue(x.getMessage().contains("first, average or max"), x.getMessage());

        x = assertThrows(IllegalArgumentException.class, () -> DECODER.tokens("Hugging Face", e, logits));
        assertTrue(x.getMessage().contains("beyond the text of length 12"), x.getMessage());

        Encoding pair = tokenizer.encode("Bob", "Alice");
        float[][] pairLogits = new float[pair.length()][];
        for (int i = 0; i < pairLogits.length; i++) pairLogits[i] = row("O", 2);
        x = assertThrows(IllegalArgumentException.class, () -> DECODER.tokens("Bob", pair, pairLogits));
        assertTrue(x.getMessage().contains("second text of a pair"), x.getMessage());

        x = assertThrows(IllegalArgumentException.class,
                () -> DECODER.tagWords(List.of("Hugging"), tokenizer.encodeWords(WORDS), logits, FIRST));
        assertTrue(x.getMessage().contains("word id 1 but 1 words were given"), x.getMessage());
    }

    @Test
    void splitBatchCutsFlatRowsPerExample() {
        float[][] rows = {{1f}, {2f}, {3f}, {4f}, {5f}, {6f}};
        float[][][] split = TokenClassificationDecoder.splitBatch(rows, 2);
        assertEquals(3, split[1].length);
        assertEquals(4f, split[1][0][0]);
        assertThrows(IllegalArgumentException.class, () -> TokenClassificationDecoder.splitBatch(rows, 4));
    }

    // ---------------------------------------------------------------- helpers

    private static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>();
        for (int v : values) out.add(v);
        return out;
    }

    private static List<String> labels(List<WordTag> tags) {
        return tags.stream().map(WordTag::label).toList();
    }

    /** Scores rounded to 6 decimals so records compare with the derived fractions. */
    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static <T extends TokenSpan> List<T> rounded(List<T> spans) {
        return spans.stream().map(TokenClassificationDecoderTest::rounded).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T extends TokenSpan> T rounded(T span) {
        if (span instanceof Entity e) {
            return (T) new Entity(e.entityGroup(), round(e.score()), e.word(), e.start(), e.end());
        }
        TokenPrediction t = (TokenPrediction) span;
        return (T) new TokenPrediction(t.entity(), round(t.score()), t.index(), t.word(), t.start(), t.end());
    }

    private static WordTag roundedTag(WordTag t) {
        return new WordTag(t.index(), t.word(), t.label(), round(t.score()), t.tokenized());
    }
}
