package dev.jbert.bert.onnx;

import dev.jbert.bert.checkpoint.CheckpointFile;
import dev.jbert.bert.checkpoint.TensorInfo;
import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The weights of a BERT model exported to ONNX (by {@code torch.onnx.export}, optimum, or
 * similar), under Hugging Face's tensor names, so {@link dev.jbert.bert.checkpoint.Checkpoint}
 * reads an {@code .onnx} file as it reads {@code model.safetensors}.
 *
 * <p>An export keeps the module path of most parameters as the initializer's name
 * ({@code embeddings.word_embeddings.weight}, LayerNorms, every {@code .bias}, the pooler's
 * weight): those map directly. But torch folds the transpose of each {@code nn.Linear} weight
 * into a new anonymous initializer ({@code onnx::MatMul_885}) stored {@code [in, out]}: such a
 * weight takes the name of the bias added to its MatMul's output ({@code X.bias} →
 * {@code X.weight}) and is transposed back to torch's {@code [out, in]}. A {@code Gemm} weight is
 * transposed unless its {@code transB} attribute is 1.
 *
 * <p>Other initializers that are neither named parameters nor Linear weights (shape constants,
 * for instance) are skipped; a MatMul weight whose name cannot be derived, or an unnamed
 * embedding table, is an error naming it. {@code embeddings.position_ids} is kept under its name
 * and dropped by {@link dev.jbert.bert.checkpoint.CheckpointKeys} like any checkpoint's.
 *
 * <p>The file is memory-mapped once (an ONNX protobuf is under 2 GB); tensor data is converted
 * to float32 only when read.
 *
 * <p>Thread-safe for reading: the tensor table is fixed on open and reads never move the mapped buffers. Close it
 * only once every read has finished.
 */
public final class OnnxCheckpointFile implements CheckpointFile {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxCheckpointFile.class);
    /** A module path as torch names parameters: dotted identifiers, no "::" or "/". */
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");

    private static final Set<String> QUANTIZED_OPS = Set.of(
            "MatMulInteger", "QLinearMatMul", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulNBits", "QAttention");

    private final Path path;
    private final FileChannel channel;
    private final OnnxGraph graph;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, Source> sources;
    private volatile boolean closed;

    /** Where a Hugging Face tensor comes from. */
    private record Source(OnnxTensor tensor, boolean transposed) {
    }

    private OnnxCheckpointFile(Path path, FileChannel channel, OnnxGraph graph) {
        this.path = path;
        this.channel = channel;
        this.graph = graph;
        Map<String, Source> mapped = map(graph);
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        mapped.forEach((name, s) -> {
            long[] d = s.tensor.dims();
            long[] shape = s.transposed ? new long[]{d[1], d[0]} : d;
            infos.put(name, new TensorInfo(name, s.tensor.dtype(), shape));
        });
        this.sources = mapped;
        this.tensors = Collections.unmodifiableMap(infos);
    }

    /**
     * Opens an {@code .onnx} file, parses its graph and names its weights.
     *
     * @param file the {@code .onnx} file, under 2 GB with its weights inside
     * @return the open file, memory-mapped; the caller closes it
     * @throws ModelFileException when the file is missing, unreadable, too large, not a valid graph, or holds a
     *                            weight that cannot be named
     */
    public static OnnxCheckpointFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "ONNX file not found");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be opened: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModelFileException(file, "is " + size + " bytes; one ONNX protobuf holds at most 2 GB, so this is"
                        + " not an ONNX model (exports over 2 GB keep their weights in external files, which are not supported)");
            }
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new OnnxCheckpointFile(file, ch, OnnxGraph.parse(file, data));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ModelFileException(file, "cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Opens an ONNX model that is a classpath resource (inside a jar, say): it is copied once into
     * the cache ({@link ModelCache#resourceFile}) and memory-mapped from there.
     *
     * @param loader   the class loader to find the resource with
     * @param resource the resource's name
     * @return the open file; the caller closes it
     * @throws ModelFileException when the resource is absent, cannot be copied, or is not a usable export
     */
    public static OnnxCheckpointFile openResource(ClassLoader loader, String resource) {
        return openResource(loader, resource, ModelCache.root());
    }

    /**
     * {@link #openResource(ClassLoader, String)} with another cache folder.
     *
     * @param loader    the class loader to find the resource with
     * @param resource  the resource's name
     * @param cacheRoot the cache folder the resource is copied into
     * @return the open file; the caller closes it
     * @throws ModelFileException when the resource is absent, cannot be copied, or is not a usable export
     */
    public static OnnxCheckpointFile openResource(ClassLoader loader, String resource, Path cacheRoot) {
        return open(ModelCache.resourceFile(loader, resource, cacheRoot));
    }

    /** An ONNX model already in memory ({@code path} only names it in messages). */
    static OnnxCheckpointFile of(Path path, ByteBuffer data) {
        return new OnnxCheckpointFile(path, null, OnnxGraph.parse(path, data));
    }

    OnnxGraph graph() {
        return graph;
    }

    /** The ONNX initializer a tensor is read from, and whether it is transposed on the way. */
    String describeSource(String name) {
        Source s = sources.get(name);
        if (s == null) throw new ModelFileException(path, "no tensor named '" + name + "'");
        return "'" + s.tensor.name() + "' " + s.tensor.shapeString() + (s.transposed ? ", transposed" : "");
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public float[] readFloat32(String name) {
        if (closed) throw new ModelFileException(path, "is closed; cannot read tensor '" + name + "'");
        Source s = sources.get(name);
        if (s == null) throw new ModelFileException(path, "no tensor named '" + name + "'");
        float[] data = s.tensor.toFloat32();
        if (!s.transposed) return data;
        long[] d = s.tensor.dims();
        int rows = (int) d[0], cols = (int) d[1];
        float[] t = new float[data.length];
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) t[j * rows + i] = data[row + j];
        }
        return t;
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) closeQuietly(channel);
    }

    // ---------------------------------------------------------------- naming

    private Map<String, Source> map(OnnxGraph g) {
        for (OnnxGraph.Node n : g.nodes()) {
            if (QUANTIZED_OPS.contains(n.opType())) {
                throw new ModelFileException(path, "is a quantized export (it has a " + n.opType() + " node): its int8 weights"
                        + " are approximations and cannot be imported; use the float32 (or float16) export of the model");
            }
        }
        Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
        for (OnnxGraph.Node n : g.nodes()) {
            for (String in : new LinkedHashSet<>(n.inputs())) {
                if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Source> out = new LinkedHashMap<>();
        Map<String, String> origin = new HashMap<>();
        for (OnnxTensor t : g.initializers().values()) {
            List<OnnxGraph.Node> uses = consumers.getOrDefault(t.name(), List.of());
            Set<String> derived = new LinkedHashSet<>();
            Boolean transposed = null;
            for (OnnxGraph.Node n : uses) {
                if (n.opType().equals("MatMul") && n.inputs().size() == 2 && n.inputs().get(1).equals(t.name())) {
                    derived.add(matMulWeightName(g, t, n, consumers));
                    transposed = agree(t, transposed, true);
                } else if (n.opType().equals("Gemm") && n.inputs().size() >= 2 && n.inputs().get(1).equals(t.name())) {
                    boolean transB = n.intAttribute("transB").orElse(0L) != 0;
                    derived.add(gemmWeightName(g, t, n));
                    transposed = agree(t, transposed, !transB);
                }
            }
            String name;
            boolean transpose = false;
            if (!derived.isEmpty()) {
                if (derived.size() > 1) {
                    throw new ModelFileException(path, "initializer '" + t.name() + "' is the weight of several Linear layers"
                            + " that name it differently: " + derived);
                }
                name = derived.iterator().next();
                transpose = transposed;
                requireReadableMatrix(t, name);
            } else if (PARAMETER_NAME.matcher(t.name()).matches()) {
                if (t.dtype() == null) {
                    LOG.warn("{}: skipping initializer '{}': ONNX data type {} cannot be read as numbers",
                            path, t.name(), OnnxTensor.typeName(t.dataType()));
                    continue;
                }
                name = t.name();
            } else {
                for (OnnxGraph.Node n : uses) {
                    if (n.opType().equals("Gather") && n.inputs().get(0).equals(t.name()) && t.dims().length == 2
                            && isFloat(t)) {
                        throw new ModelFileException(path, "initializer '" + t.name() + "' " + t.shapeString()
                                + " is an embedding table (the data of " + n.describe() + ") but has no parameter name,"
                                + " so its Hugging Face name cannot be known; expected a name such as embeddings.word_embeddings.weight");
                    }
                }
                LOG.debug("{}: skipping initializer '{}' {}: a graph constant, not a parameter", path, t.name(), t.shapeString());
                continue;
            }
            String previous = origin.put(name, t.name());
            if (previous != null) {
                throw new ModelFileException(path, "initializers '" + previous + "' and '" + t.name() + "' both map to '" + name + "'");
            }
            out.put(name, new Source(t, transpose));
        }
        return out;
    }

    private Boolean agree(OnnxTensor t, Boolean before, boolean now) {
        if (before != null && before != now) {
            throw new ModelFileException(path, "initializer '" + t.name() + "' is used both transposed and not by different nodes");
        }
        return now;
    }

    /** MatMul(x, W) then Add(X.bias, ·): W is X.weight. */
    private String matMulWeightName(OnnxGraph g, OnnxTensor w, OnnxGraph.Node matMul, Map<String, List<OnnxGraph.Node>> consumers) {
        String out = matMul.outputs().isEmpty() ? "" : matMul.outputs().get(0);
        for (OnnxGraph.Node add : consumers.getOrDefault(out, List.of())) {
            if (!add.opType().equals("Add") || add.inputs().size() != 2) continue;
            String other = add.inputs().get(0).equals(out) ? add.inputs().get(1) : add.inputs().get(0);
            OnnxTensor bias = g.initializers().get(other);
            if (bias == null || !other.endsWith(".bias") || !PARAMETER_NAME.matcher(other).matches()) continue;
            long[] wd = w.dims(), bd = bias.dims();
            if (wd.length != 2 || bd.length != 1 || bd[0] != wd[1]) {
                throw new ModelFileException(path, "MatMul weight '" + w.name() + "' " + w.shapeString() + " is followed by bias '"
                        + other + "' " + bias.shapeString() + ", which does not fit it: expected a [in, out] weight and an [out] bias");
            }
            return other.substring(0, other.length() - ".bias".length()) + ".weight";
        }
        throw new ModelFileException(path, "initializer '" + w.name() + "' " + w.shapeString() + " is the weight of "
                + matMul.describe() + ", but no Add node adds a bias named '<module>.bias' to its output '" + out
                + "', so its Hugging Face name cannot be derived: expected MatMul(x, W) followed by Add(<module>.bias, ·),"
                + " as torch exports nn.Linear");
    }

    /** Gemm(x, W, X.bias): W is X.weight, unless the initializer already carries a parameter name. */
    private String gemmWeightName(OnnxGraph g, OnnxTensor w, OnnxGraph.Node gemm) {
        if (PARAMETER_NAME.matcher(w.name()).matches() && w.name().endsWith(".weight")) return w.name();
        String bias = gemm.inputs().size() >= 3 ? gemm.inputs().get(2) : "";
        if (g.initializers().containsKey(bias) && bias.endsWith(".bias") && PARAMETER_NAME.matcher(bias).matches()) {
            return bias.substring(0, bias.length() - ".bias".length()) + ".weight";
        }
        throw new ModelFileException(path, "initializer '" + w.name() + "' " + w.shapeString() + " is the weight of "
                + gemm.describe() + ", but neither it nor the Gemm's bias input ('" + bias
                + "') has a parameter name, so its Hugging Face name cannot be derived: expected a bias named '<module>.bias'");
    }

    private void requireReadableMatrix(OnnxTensor t, String name) {
        if (t.dims().length != 2) {
            throw new ModelFileException(path, "initializer '" + t.name() + "' (" + name + ") is a Linear weight but has shape "
                    + t.shapeString() + "; expected a matrix");
        }
        if (!isFloat(t)) {
            throw new ModelFileException(path, "initializer '" + t.name() + "' (" + name + ") has ONNX data type "
                    + OnnxTensor.typeName(t.dataType()) + "; a Linear weight must be FLOAT, FLOAT16, BFLOAT16 or DOUBLE"
                    + " (quantized exports are not supported)");
        }
    }

    private static boolean isFloat(OnnxTensor t) {
        return t.dtype() != null && switch (t.dtype()) {
            case F32, F16, BF16, F64 -> true;
            default -> false;
        };
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only: nothing can be lost by a failed close
        }
    }
}
