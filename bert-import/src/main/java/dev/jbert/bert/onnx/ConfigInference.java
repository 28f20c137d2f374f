package dev.jbert.bert.onnx;

import dev.jbert.bert.checkpoint.TensorInfo;
import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code config.json} for an ONNX export that came without one, read off the export itself.
 * Sizes come from tensor shapes (vocabulary, hidden and intermediate sizes, positions, token
 * types, the number of layers); the number of attention heads from the shape the first
 * attention layer reshapes its query to ({@code [batch, seq, heads, head_size]}), or failing
 * that from a fused attention node's {@code num_heads} or the {@code 1/sqrt(head_size)} score
 * scale; LayerNorm's epsilon from the LayerNorm node or the constant added under its square
 * root; the feed-forward activation from the ops that compute it (Erf or Gelu: exact GELU;
 * FastGelu or Gelu with approximate=tanh: the tanh approximation). Dropout probabilities and the initializer range, which an inference graph does not
 * record, are BERT's (0.1, 0.1, 0.02). Anything that cannot be read is an error asking for the
 * model's config.json, never a guess.
 */
final class ConfigInference {

    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.");
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    private final OnnxCheckpointFile file;
    private final OnnxGraph graph;
    private final Path path;
    private final Map<String, OnnxGraph.Node> producers = new HashMap<>();
    private final Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();

    private ConfigInference(OnnxCheckpointFile file) {
        this.file = file;
        this.graph = file.graph();
        this.path = file.path();
        for (OnnxGraph.Node n : graph.nodes()) {
            n.outputs().forEach(o -> producers.put(o, n));
            n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
    }

    static EncoderConfig infer(OnnxCheckpointFile file) {
        return new ConfigInference(file).infer();
    }

    private EncoderConfig infer() {
        Map<String, TensorInfo> t = file.tensors();
        String prefix = t.keySet().stream().filter(k -> k.endsWith(WORD_EMBEDDINGS))
                .map(k -> k.substring(0, k.length() - WORD_EMBEDDINGS.length())).findFirst()
                .orElseThrow(() -> missing("no tensor named " + WORD_EMBEDDINGS + ": is this a BERT export?"));
        long[] words = shape(prefix + WORD_EMBEDDINGS, 2);
        int vocab = (int) words[0], hidden = (int) words[1];
        int positions = (int) shape(prefix + "embeddings.position_embeddings.weight", 2)[0];
        int types = (int) shape(prefix + "embeddings.token_type_embeddings.weight", 2)[0];
        int layers = 0;
        for (String k : t.keySet()) {
            Matcher m = LAYER.matcher(k);
            if (k.startsWith(prefix) && m.find(prefix.length()) && m.start() == prefix.length()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (layers == 0) throw missing("no encoder.layer.N tensors");
        int intermediate = (int) shape(prefix + "encoder.layer.0.intermediate.dense.bias", 1)[0];
        int heads = heads(prefix, hidden);
        double eps = layerNormEps();
        Activation act = activation();
        return EncoderConfig.bert(vocab, hidden, layers, heads, intermediate, act, 0.1, 0.1, null, positions, types, eps, 0.02,
                0, new TreeMap<>(), Optional.empty(), List.of("BertModel"));
    }

    private long[] shape(String name, int rank) {
        TensorInfo info = file.tensors().get(name);
        if (info == null) throw missing("no tensor named " + name);
        if (info.shape().length != rank) throw missing(name + " has shape " + info.shapeString() + ", expected rank " + rank);
        return info.shape();
    }

    private int heads(String prefix, int hidden) {
        // 1. the Reshape of the first layer's query, key or value projection to [batch, seq, heads, head_size]
        for (String proj : List.of("query", "key", "value")) {
            String bias = prefix + "encoder.layer.0.attention.self." + proj + ".bias";
            for (OnnxGraph.Node add : consumers.getOrDefault(bias, List.of())) {
                if (!add.opType().equals("Add") || add.outputs().isEmpty()) continue;
                for (OnnxGraph.Node reshape : consumers.getOrDefault(add.outputs().get(0), List.of())) {
                    if (!reshape.opType().equals("Reshape") || reshape.inputs().size() < 2) continue;
                    long[] s = constant(reshape.inputs().get(1), 0);
                    if (s != null && s.length == 4 && s[2] > 0 && s[3] > 0 && s[2] * s[3] == hidden) return (int) s[2];
                }
            }
        }
        // 2. a fused attention node
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().endsWith("Attention")) {
                Optional<Long> h = n.intAttribute("num_heads");
                if (h.isPresent() && h.get() > 0 && hidden % h.get() == 0) return (int) (long) h.get();
            }
        }
        // 3. scores = Q·Kᵀ / sqrt(head_size) (or · 1/sqrt(head_size))
        for (OnnxGraph.Node n : graph.nodes()) {
            boolean div = n.opType().equals("Div"), mul = n.opType().equals("Mul");
            if ((!div && !mul) || n.inputs().size() != 2) continue;
            OnnxGraph.Node scores = producers.get(n.inputs().get(0));
            if (scores == null || !scores.opType().equals("MatMul") || isInitializer(scores.inputs().get(1))) continue;
            float[] c = constantFloats(n.inputs().get(1), 0);
            if (c == null || c.length != 1 || !(c[0] > 0)) continue;
            double headSize = div ? (double) c[0] * c[0] : 1.0 / ((double) c[0] * c[0]);
            long rounded = Math.round(headSize);
            if (rounded > 0 && Math.abs(headSize - rounded) < 1e-3 * rounded && hidden % rounded == 0) {
                return (int) (hidden / rounded);
            }
        }
        throw missing("cannot find the number of attention heads (no Reshape of the query to [batch, seq, heads, head_size],"
                + " no fused attention node, no 1/sqrt(head_size) scale)");
    }

    private double layerNormEps() {
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().endsWith("LayerNormalization")) {
                OnnxGraph.Attribute a = n.attributes().get("epsilon");
                return a != null && a.f() != null ? nice(a.f()) : 1e-5; // the ONNX operator's default
            }
            if (n.opType().equals("Sqrt")) {
                OnnxGraph.Node add = producers.get(n.inputs().get(0));
                if (add == null || !add.opType().equals("Add") || add.inputs().size() != 2) continue;
                for (int side = 0; side < 2; side++) {
                    OnnxGraph.Node mean = producers.get(add.inputs().get(side));
                    float[] c = constantFloats(add.inputs().get(1 - side), 0);
                    if (mean != null && mean.opType().equals("ReduceMean") && c != null && c.length == 1 && c[0] > 0) {
                        return nice(c[0]);
                    }
                }
            }
        }
        throw missing("cannot find LayerNorm's epsilon (no LayerNormalization node, no Sqrt(ReduceMean(·) + epsilon))");
    }

    private Activation activation() {
        for (OnnxGraph.Node n : graph.nodes()) {
            switch (n.opType()) {
                case "Erf", "BiasGelu" -> {
                    return Activation.GELU;
                }
                case "Gelu" -> {
                    OnnxGraph.Attribute a = n.attributes().get("approximate");
                    return a != null && "tanh".equals(a.s()) ? Activation.GELU_PYTORCH_TANH : Activation.GELU;
                }
                case "FastGelu" -> {
                    return Activation.GELU_NEW;
                }
                default -> {
                }
            }
        }
        throw missing("cannot tell the feed-forward activation (no Erf or Gelu node)");
    }

    /** float32 constants print as 9.999999960041972E-13; config.json wants the 1e-12 they were made from. */
    private static double nice(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private boolean isInitializer(String name) {
        return graph.initializers().containsKey(name);
    }

    /** A constant's values as longs, with -1 for parts computed at run time (Concat of shape pieces). */
    private long[] constant(String name, int depth) {
        float[] f = constantFloats(name, depth);
        if (f != null) {
            long[] out = new long[f.length];
            for (int i = 0; i < f.length; i++) out[i] = (long) f[i];
            return out;
        }
        OnnxGraph.Node p = producers.get(name);
        if (p == null || !p.opType().equals("Concat") || depth > 8) return null;
        List<Long> parts = new ArrayList<>();
        for (String in : p.inputs()) {
            long[] v = constant(in, depth + 1);
            if (v == null) parts.add(-1L); // a dynamic dimension, one element after Unsqueeze
            else for (long x : v) parts.add(x);
        }
        return parts.stream().mapToLong(Long::longValue).toArray();
    }

    private float[] constantFloats(String name, int depth) {
        OnnxTensor init = graph.initializers().get(name);
        if (init != null) return init.dtype() == null || init.numel() > 64 ? null : init.toFloat32();
        OnnxGraph.Node p = producers.get(name);
        if (p == null) return null;
        if (p.opType().equals("Constant")) {
            OnnxGraph.Attribute v = p.attributes().get("value");
            if (v != null && v.t() != null && v.t().dtype() != null && v.t().numel() <= 64) return v.t().toFloat32();
            OnnxGraph.Attribute f = p.attributes().get("value_float");
            if (f != null && f.f() != null) return new float[]{f.f()};
            OnnxGraph.Attribute i = p.attributes().get("value_int");
            if (i != null && i.i() != null) return new float[]{i.i()};
        }
        return null;
    }

    private ModelFileException missing(String what) {
        return new ModelFileException(path, "cannot derive config.json from the ONNX export: " + what
                + "; give the model's config.json");
    }
}
