package dev.jbert.core.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Numbers out of JSON arrays: the reference values transformers wrote beside a checkpoint, read by tests and doctor. */
public final class JsonArrays {

    private JsonArrays() {
    }

    /**
     * An array of integers.
     *
     * @param array a JSON array of numbers
     * @return the values, as {@link JsonNode#asInt()} reads them
     */
    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /**
     * An array of arrays of integers.
     *
     * @param rows a JSON array of arrays of numbers
     * @return one array per row
     */
    public static int[][] matrix(JsonNode rows) {
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ints(rows.get(i));
        return out;
    }

    /**
     * One integer-array field of each object of an array.
     *
     * @param objects a JSON array of objects
     * @param field   the field's name
     * @return the field's values, one array per object
     */
    public static int[][] field(JsonNode objects, String field) {
        int[][] out = new int[objects.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ints(objects.get(i).get(field));
        return out;
    }

    /**
     * A nested array of numbers, flattened in row-major order.
     *
     * @param node a number or a nested array of numbers
     * @return the numbers in document order
     */
    public static double[] flatten(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode n, List<Double> out) {
        if (n.isArray()) n.forEach(c -> collect(c, out));
        else out.add(n.asDouble());
    }
}
