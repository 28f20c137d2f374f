package dev.jbert.core.imbalance;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** User-given class weights: both JSON forms, and a message naming the file for every way it can be wrong. */
class ClassWeightsFileTest {

    private static final List<String> LABELS = List.of("negative", "neutral", "positive");

    @TempDir
    Path dir;

    @Test
    void listInClassIdOrder() throws IOException {
        Path file = write("[0.25, 1, 4.5]");
        assertArrayEquals(new double[] {0.25, 1, 4.5}, ClassWeightsFile.read(file, LABELS).toArray());
    }

    @Test
    void objectByLabelNameInAnyOrder() throws IOException {
        Path file = write("{\"positive\": 4.5, \"negative\": 0.25, \"neutral\": 0}");
        assertArrayEquals(new double[] {0.25, 0, 4.5}, ClassWeightsFile.read(file, LABELS).toArray());
    }

    @Test
    void objectByClassId() throws IOException {
        Path file = write("{\"2\": 4.5, \"0\": 0.25, \"neutral\": 1}");
        assertArrayEquals(new double[] {0.25, 1, 4.5}, ClassWeightsFile.read(file, LABELS).toArray());
    }

    @Test
    void labelNamesWinOverClassIds() throws IOException {
        Path file = write("{\"1\": 2, \"0\": 3}");
        assertArrayEquals(new double[] {2, 3}, ClassWeightsFile.read(file, List.of("1", "0")).toArray());
    }

    static Stream<Arguments> invalidContents() {
        return Stream.of(
                arguments("[1, 2]", "the list has 2 weights but the model has 3 labels"),
                arguments("[1, \"x\", 2]", "element 1 is a string"),
                arguments("[1, -2, 2]", "element 1 is -2"),
                arguments("[1, 1e400, 2]", "element 1 is"),
                arguments("[0, 0, 0]", "all class weights are 0"),
                arguments("{\"negative\": 1, \"neutral\": 1}", "no weight for the labels [positive]"),
                arguments("{\"negative\": 1, \"neutral\": 1, \"positve\": 1}", "unknown label 'positve'"),
                arguments("{\"negative\": 1, \"neutral\": 1, \"3\": 1}", "unknown label '3'"),
                arguments("{\"negative\": 1, \"0\": 1, \"neutral\": 1}", "class 0 (negative) is given twice"),
                arguments("{\"negative\": 1, \"negative\": 2, \"neutral\": 1}", "not valid JSON"),
                arguments("{\"negative\": null, \"neutral\": 1, \"positive\": 1}", "the weight of 'negative' is a null"),
                arguments("[1, 2, 3", "not valid JSON"),
                arguments("\"inverse\"", "found a string"),
                arguments("", "found an empty file"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidContents")
    void invalidContentNamesTheFileAndTheProblem(String content, String problem) throws IOException {
        Path file = write(content);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ClassWeightsFile.read(file, LABELS));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void missingFileSaysWhatWasExpected() {
        Path file = dir.resolve("weights.json");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ClassWeightsFile.read(file, LABELS));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("list of 3 numbers")
                && e.getMessage().contains("[negative, neutral, positive]"), e.getMessage());
    }

    @Test
    void missingArgumentsAreRejected() throws IOException {
        Path file = write("[1]");
        assertThrows(IllegalArgumentException.class, () -> ClassWeightsFile.read(null, LABELS));
        assertThrows(IllegalArgumentException.class, () -> ClassWeightsFile.read(file, List.of()));
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("weights.json"), content);
    }
}
