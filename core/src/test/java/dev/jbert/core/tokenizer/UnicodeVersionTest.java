package dev.jbert.core.tokenizer;

import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 26, items 6 and 7: the regular expressions and grapheme clusters of tokenizers 0.23 know Unicode 16 and 17,
 * Java 17 knows 13. Every expected value here was printed by tokenizers 0.23.2 ({@code Tokenizer.from_file},
 * {@code pre_tokenizers.Split(Regex(r), behavior="isolated").pre_tokenize_str(s)}, {@code Whitespace()}).
 */
class UnicodeVersionTest {

    private static Tokenizer family(String name) {
        return Tokenizer.fromDirectory(Fixtures.folder("families/" + name));
    }

    @Test
    void byteLevelWordsKnowNewLetters() {
        Tokenizer roberta = family("roberta/seq-cls");
        Encoding e = roberta.encode("\u2c5f\u9eaf");
        assertEquals("[0, 163, 114, 258, 170, 123, 112, 2]", Arrays.toString(e.inputIds()));
        assertEquals("[-1, 0, 0, 0, 0, 0, 0, -1]", Arrays.toString(e.wordIds()));
        Encoding a = roberta.encode("a\u0870b");
        assertEquals("[0, 69, 161, 99, 113, 70, 2]", Arrays.toString(a.inputIds()));
        assertEquals("[-1, 0, 0, 0, 0, 0, -1]", Arrays.toString(a.wordIds()));
    }

    @Test
    void precompiledClustersAreUnicodeSegmentations() {
        Tokenizer xlmr = family("xlm-roberta/seq-cls");
        Encoding lj = xlmr.encode("\u01c8\u0cf3");
        assertEquals("[0, 278, 267, 2]", Arrays.toString(lj.inputIds()));
        assertEquals("[<s>, \u2581L, j, </s>]", lj.tokens().toString());
        assertEquals("[0, 117, 2]", Arrays.toString(xlmr.encode("\ua7f2\u0362").inputIds()));
    }

    @Test
    void graphemeRulesOfUnicode17() {
        // GB9c (Devanagari conjunct), GB11 (emoji ZWJ sequence), GB12/13 (flags), GB9b (prepend), GB3 (CR LF)
        assertArrayEquals(new int[] {0, 3, 4}, GraphemeClusters.boundaries("\u0915\u094d\u0937a"));
        assertArrayEquals(new int[] {0, 5}, GraphemeClusters.boundaries("\ud83d\udc69\u200d\ud83d\udcbb"));
        assertArrayEquals(new int[] {0, 4, 8, 10}, GraphemeClusters.boundaries("\ud83c\uddfa\ud83c\uddf8\ud83c\uddeb\ud83c\uddf7\ud83c\uddee"));
        assertArrayEquals(new int[] {0, 2}, GraphemeClusters.boundaries("\u0600a"));
        assertArrayEquals(new int[] {0, 2, 3}, GraphemeClusters.boundaries("\r\na"));
        assertArrayEquals(new int[] {0, 2}, GraphemeClusters.boundaries("\u01c8\u0cf3")); // U+0CF3 is a Unicode 15 SpacingMark
        assertArrayEquals(new int[] {0}, GraphemeClusters.boundaries(""));
    }

    @Test
    void whitespaceUsesRustRegexClasses() {
        // Whitespace().pre_tokenize_str("a\u0870b \u00b2 \u200cy"): [a\u0870b, \u00b2, \u200cy] (Rust's \w has U+0870 and U+200C,
        // not U+00B2, unlike Oniguruma's)
        PreTokenizer ws = new PreTokenizer.Whitespace();
        List<String> pieces = new ArrayList<>();
        for (NormalizedString s : ws.split(NormalizedString.of("a\u0870b \u00b2 \u200cy"))) pieces.add(s.text());
        assertEquals(List.of("a\u0870b", "\u00b2", "\u200cy"), pieces);
    }

    /** Pieces of {@code Split(Regex(regex), behavior="isolated")}: matches and the text between them. */
    private static List<String> isolated(String regex, String text) {
        Matcher m = OnigurumaRegex.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            if (m.start() == m.end()) continue;
            if (m.start() > last) out.add(text.substring(last, m.start()));
            out.add(m.group());
            last = m.end();
        }
        if (last < text.length()) out.add(text.substring(last));
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[^\\s\\p{L}\\p{N}]+    | a\u0870b!?\u2c5f1          | a\u0870b,!?,\u2c5f1",
            "\\P{L}+                | a\u0870b!?\u2c5f1          | a\u0870b,!?,\u2c5f,1",
            "\\p{^N}+               | x\ud803\udd40y             | x,\ud803\udd40,y",
            "[[:alpha:]]+           | ab\u0870c1                 | ab\u0870c,1",
            "[^[:^alpha:]]+         | ab\u0870c1                 | ab\u0870c,1",
            "\\w+                   | a\u00b2\u200cb             | a\u00b2,\u200c,b",
            "\\bb                   | \u0870b ab b               | \u0870b ab ,b",
            "[\\p{Lu}\\p{Lt}]+      | aA\u2c2fB                  | a,A\u2c2fB",
            "\\h+                   | 0fG g                      | 0f,G g",
            "[\\p{Mn}&&[^\\u0301]]+ | a\u0300\u0301\u1734\ud805\udf1e | a,\u0300,\u0301\u1734\ud805\udf1e",
            "\\p{Lowercase_Letter}+ | A\ua7c1b                   | A,\ua7c1b",
    })
    void translatedClassesMatchOniguruma(String regex, String text, String pieces) {
        assertEquals(List.of(pieces.split(",")), isolated(regex, text));
    }

    @Test
    void rubyLinesAndDots() {
        assertEquals(List.of("a\r", "a\u2028", "a\nb"), isolated("a.", "a\ra\u2028a\nb"));
        assertEquals(List.of("a\n", "a"), isolated("(?m)a.", "a\na"));
        assertEquals(List.of("a", "\n", "a", "a", "\n", "a"), isolated("^a|a$", "a\naa\na"));
    }

    @Test
    void untranslatableClassesAreRejected() {
        assertThrows(PatternSyntaxException.class, () -> OnigurumaRegex.compile("\\p{Han}+"));
        assertThrows(PatternSyntaxException.class, () -> OnigurumaRegex.compile("[[:nonsense:]]"));
    }
}
