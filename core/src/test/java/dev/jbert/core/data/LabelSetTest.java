package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelSetTest {

    @Test
    void numericLabelsSortNumerically() {
        LabelSet s = LabelSet.inferred(List.of("10", "2", "0", "1", "2"));
        assertEquals(List.of("0", "1", "2", "10"), s.names());
        assertEquals(3, s.idOf("10"));
        assertEquals(List.of("-1", "0.5", "3"), LabelSet.inferred(List.of("3", "0.5", "-1")).names());
    }

    @Test
    void namesSortLexicographically() {
        assertEquals(List.of("entailment", "not_entailment"), LabelSet.inferred(List.of("not_entailment", "entailment")).names());
        // one name among numbers: the whole set sorts as text
        assertEquals(List.of("10", "9", "x"), LabelSet.inferred(List.of("9", "10", "x")).names());
        assertEquals(List.of("B-LOC", "B-PER", "I-PER", "O"), LabelSet.inferred(List.of("O", "B-PER", "I-PER", "B-LOC")).names());
    }

    @Test
    void givenOrderIsKept() {
        LabelSet s = LabelSet.of(List.of("O", "B-PER", "I-PER"));
        assertEquals("B-PER", s.name(1));
        assertEquals(Map.of(0, "O", 1, "B-PER", 2, "I-PER"), s.id2label());
        assertEquals(Map.of("O", 0, "B-PER", 1, "I-PER", 2), s.label2id());
    }

    @Test
    void resolveByNameThenById() {
        LabelSet names = LabelSet.of(List.of("neg", "pos"));
        assertEquals(1, names.resolve(" pos "));
        assertEquals(1, names.resolve("1"), "no name is numeric: a number is an id");
        assertEquals(-1, names.resolve("2"));
        assertEquals(-1, names.resolve("meh"));
        LabelSet numbers = LabelSet.of(List.of("1", "2", "3"));
        assertEquals(0, numbers.resolve("1"));
        assertEquals(-1, numbers.resolve("0"), "numeric names: a number is a name, never an id");
    }

    @Test
    void insideIdsMapBeginToInside() {
        LabelSet s = LabelSet.of(List.of("O", "B-PER", "I-PER", "B-LOC", "B-MISC", "I-MISC"));
        assertArrayEquals(new int[]{0, 2, 2, 3, 5, 5}, s.insideIds(), "B-LOC has no I-LOC: it stays");
    }

    @Test
    void rejectsDuplicatesAndBlanks() {
        assertThrows(IllegalArgumentException.class, () -> LabelSet.of(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> LabelSet.of(List.of("a", " ")));
        assertThrows(IllegalArgumentException.class, () -> LabelSet.of(List.of()));
        assertThrows(IndexOutOfBoundsException.class, () -> LabelSet.of(List.of("a")).name(1));
    }

    @Test
    void readNamesOnePerLine(@TempDir Path dir) {
        Path f = TestFiles.write(dir, "emotions.txt", "\uFEFFadmiration\namusement\r\n\nanger");
        assertEquals(List.of("admiration", "amusement", "anger"), LabelSet.readNames(f).names());
    }

    @Test
    void readNamesErrors(@TempDir Path dir) {
        Path dup = TestFiles.write(dir, "dup.txt", "a\nb\na\n");
        ModelFileException e = assertThrows(ModelFileException.class, () -> LabelSet.readNames(dup));
        assertTrue(e.getMessage().startsWith(dup + ": line 3: label 'a' already appears on line 1"), e.getMessage());
        Path empty = TestFiles.write(dir, "empty.txt", "\n\n");
        e = assertThrows(ModelFileException.class, () -> LabelSet.readNames(empty));
        assertTrue(e.getMessage().startsWith(empty + ": no label names"), e.getMessage());
        Path missing = dir.resolve("missing.txt");
        e = assertThrows(ModelFileException.class, () -> LabelSet.readNames(missing));
        assertTrue(e.getMessage().startsWith(missing + ": label names file not found"), e.getMessage());
    }
}
