package dev.jbert.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pre-tokenizers whose pieces the differential folders do not reach, against tokenizers 0.23.2's
 * {@code pre_tokenize_str} (values recorded from it, quoted in each test).
 */
class PreTokenizerSplitsTest {

    private static List<String> pieces(PreTokenizer p, String text) {
        List<String> out = new ArrayList<>();
        for (NormalizedString s : p.split(NormalizedString.of(text))) out.add(s.text());
        return out;
    }

    @Test
    void whitespaceKeepsAdjacentMatchesApart() {
        // Whitespace().pre_tokenize_str("ab!?cd a²  x.y"): ab, !?, cd, a, ², x, ., y
        assertEquals(List.of("ab", "!?", "cd", "a", "²", "x", ".", "y"), pieces(new PreTokenizer.Whitespace(), "ab!?cd a²  x.y"));
    }

    @Test
    void digitsAreEveryNumberCategory() {
        // Digits(individual_digits=False).pre_tokenize_str("a²½12bⅫ٣"): a, ²½12, b, Ⅻ٣
        assertEquals(List.of("a", "²½12", "b", "Ⅻ٣"), pieces(new PreTokenizer.Digits(false), "a²½12bⅫ٣"));
        // Digits(individual_digits=True).pre_tokenize_str("a²½12b"): a, ², ½, 1, 2, b
        assertEquals(List.of("a", "²", "½", "1", "2", "b"), pieces(new PreTokenizer.Digits(true), "a²½12b"));
    }
}
