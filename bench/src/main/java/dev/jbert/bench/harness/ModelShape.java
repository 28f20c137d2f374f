package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.config.EncoderConfig;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The encoder shapes the harness measures, with the uncased BERT vocabulary (30,522 entries) and
 * an intermediate size of four times the hidden size, as every BERT of these names has.
 *
 * <p>FLOPs are counted as two per multiply-add, over the matrix products only (embeddings, LayerNorm,
 * softmax, GELU and the loss are left out, as they are in the usual 6·N·tokens estimate): per layer and
 * sequence of length L, {@code L·(8h² + 4h·i) + 4L²h} forward — the Q, K, V and output projections, the
 * two feed-forward products, and the two attention products — plus {@code 2h²} for the pooler and
 * {@code 2h·labels} for the classifier. A training step counts three forward passes (the backward pass
 * computes two products per forward product).
 */
public record ModelShape(String name, int layers, int hidden, int heads) {

    public static final int VOCAB_SIZE = 30522;
    public static final ModelShape TINY = new ModelShape("tiny", 2, 128, 2);
    public static final ModelShape MINI = new ModelShape("mini", 4, 256, 4);
    public static final ModelShape MINILM = new ModelShape("minilm", 6, 384, 12);
    public static final ModelShape BASE = new ModelShape("base", 12, 768, 12);
    private static final ModelShape[] STANDARD = {TINY, MINI, MINILM, BASE};

    /** A standard shape by name (tiny, mini, minilm, base; any case). */
    public static ModelShape named(String name) {
        for (ModelShape s : STANDARD) {
            if (s.name.equalsIgnoreCase(name.strip())) return s;
        }
        throw new IllegalArgumentException("unknown model shape '" + name + "'; expected one of "
                + Arrays.stream(STANDARD).map(ModelShape::name).collect(Collectors.joining(", ")));
    }

    public int intermediate() {
        return 4 * hidden;
    }

    /** "6/384/12": layers, hidden size, attention heads. */
    public String dimensions() {
        return String.format(Locale.ROOT, "%d/%d/%d", layers, hidden, heads);
    }

    /** A BERT configuration of this shape; dropout 0.1 as in every released BERT. */
    public EncoderConfig config() {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("vocab_size", VOCAB_SIZE);
        json.put("hidden_size", hidden);
        json.put("num_hidden_layers", layers);
        json.put("num_attention_heads", heads);
        json.put("intermediate_size", intermediate());
        json.put("max_position_embeddings", 512);
        return EncoderConfig.fromJson(json);
    }

    /** Forward-pass FLOPs for one sequence of {@code length} tokens through encoder, pooler and a classifier. */
    public double forwardFlops(int length, int labels) {
        double h = hidden, l = length;
        double perLayer = l * (8 * h * h + 4 * h * intermediate()) + 4 * l * l * h;
        return layers * perLayer + 2 * h * h + 2 * h * labels;
    }

    /** FLOPs of one training step's worth for one sequence: forward plus a backward pass of twice its cost. */
    public double trainingFlops(int length, int labels) {
        return 3 * forwardFlops(length, labels);
    }
}
