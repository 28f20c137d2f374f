package dev.jbert.bert.checkpoint;

import dev.jbert.core.nd4j.NativeBackend;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model folder, whichever way they are stored: one
 * {@code model.safetensors} or {@code pytorch_model.bin}, or shards listed by
 * {@code model.safetensors.index.json} / {@code pytorch_model.bin.index.json}. Tensors are
 * addressed by canonical name (see {@link CheckpointKeys}); data is read one tensor at a time.
 *
 * <p>Thread-safe for reading: the tensor table is fixed on open, and every file it opens allows concurrent reads.
 * Close it only once every read has finished.
 */
public final class Checkpoint implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Looked for in this order, as transformers prefers safetensors. */
    private static final List<String> WEIGHT_FILES = List.of(
            "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json");

    private final Path source;
    private final List<CheckpointFile> files;
    private final Map<String, Located> tensors;

    private record Located(CheckpointFile file, TensorInfo info) {
    }

    private Checkpoint(Path source, List<CheckpointFile> files, Map<String, Located> tensors) {
        this.source = source;
        this.files = files;
        this.tensors = tensors;
    }

    /**
     * Opens the weights of a model folder, or a single weights file given directly
     * ({@code model.f16.safetensors}, say).
     *
     * @param folderOrFile a model folder, a weights file, or a sharded checkpoint's {@code .index.json}
     * @return the opened checkpoint, with BERT's key layout ({@link CheckpointKeys#BERT}); the caller closes it
     * @throws ModelFileException when no weights are found or a file is invalid
     */
    public static Checkpoint open(Path folderOrFile) {
        return open(folderOrFile, CheckpointKeys.BERT);
    }

    /**
     * As {@link #open(Path)}, naming tensors as {@code keys} says (the encoder family's layout). In a folder,
     * {@code model.safetensors} is preferred, then its index, then {@code pytorch_model.bin} and its index.
     *
     * @param folderOrFile a model folder, a weights file ({@code .safetensors}, {@code .bin}/{@code .pt}/{@code .pth},
     *                     {@code .onnx}), or a sharded checkpoint's {@code .index.json}
     * @param keys         how the family's checkpoints name their tensors
     * @return the opened checkpoint; the caller closes it
     * @throws ModelFileException when no weights are found, a file or index is invalid, or two tensors map to one
     *                            canonical name
     */
    public static Checkpoint open(Path folderOrFile, CheckpointKeys keys) {
        NativeBackend.init();
        if (Files.isRegularFile(folderOrFile)) {
            String name = folderOrFile.getFileName().toString();
            return name.endsWith(".index.json") ? openIndex(folderOrFile, keys) : openSingle(folderOrFile, keys);
        }
        if (!Files.isDirectory(folderOrFile)) {
            throw new ModelFileException(folderOrFile, "no such model folder or weights file");
        }
        for (String name : WEIGHT_FILES) {
            Path p = folderOrFile.resolve(name);
            if (Files.isRegularFile(p)) return name.endsWith(".index.json") ? openIndex(p, keys) : openSingle(p, keys);
        }
        throw new ModelFileException(folderOrFile, "no weights found: expected one of " + WEIGHT_FILES);
    }

    private static Checkpoint openSingle(Path file, CheckpointKeys keys) {
        CheckpointFile f = openFile(file);
        try {
            Map<String, Located> tensors = new LinkedHashMap<>();
            addTensors(file, f, null, keys, tensors);
            return new Checkpoint(file, List.of(f), tensors);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** A sharded checkpoint: {@code weight_map} names the shard of every tensor. */
    private static Checkpoint openIndex(Path index, CheckpointKeys keys) {
        JsonNode weightMap;
        try {
            JsonNode root = JSON.readTree(Files.readString(index));
            weightMap = root == null ? null : root.get("weight_map");
        } catch (JsonProcessingException e) {
            throw new ModelFileException(index, "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ModelFileException(index, "cannot be read: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new ModelFileException(index, "expected a non-empty \"weight_map\": {\"tensor name\": \"shard file\"}");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byShard.computeIfAbsent(e.getValue().asText(), s -> new ArrayList<>()).add(e.getKey());
        }
        List<CheckpointFile> opened = new ArrayList<>();
        Map<String, Located> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, List<String>> shard : byShard.entrySet()) {
                Path shardPath = index.resolveSibling(shard.getKey());
                if (!Files.isRegularFile(shardPath)) {
                    throw new ModelFileException(index, "shard '" + shard.getKey() + "' listed in weight_map does not exist next to the index");
                }
                CheckpointFile f = openFile(shardPath);
                opened.add(f);
                for (String name : shard.getValue()) {
                    if (!f.tensors().containsKey(name)) {
                        throw new ModelFileException(shardPath, "the index says it holds tensor '" + name + "', but it does not");
                    }
                }
                addTensors(shardPath, f, Set.copyOf(shard.getValue()), keys, tensors);
            }
        } catch (RuntimeException e) {
            opened.forEach(CheckpointFile::close);
            throw e;
        }
        return new Checkpoint(index, List.copyOf(opened), tensors);
    }

    private static CheckpointFile openFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".safetensors")) return SafetensorsFile.open(file);
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) return PytorchCheckpointFile.open(file);
        if (name.endsWith(".onnx")) return dev.jbert.bert.onnx.OnnxCheckpointFile.open(file);
        throw new ModelFileException(file, "unknown weights format: expected .safetensors, a PyTorch .bin/.pt/.pth zip, or an .onnx export");
    }

    private static void addTensors(Path file, CheckpointFile f, Set<String> only, CheckpointKeys keys, Map<String, Located> out) {
        for (TensorInfo info : f.tensors().values()) {
            if (only != null && !only.contains(info.name())) continue;
            var canonical = keys.canonical(info.name());
            if (canonical.isEmpty()) {
                LOG.debug("{}: ignoring '{}' ({})", file, info.name(), keys.reasonIgnored(info.name()));
                continue;
            }
            Located previous = out.put(canonical.get(), new Located(f, info));
            if (previous != null) {
                throw new ModelFileException(file, "tensors '" + previous.info.name() + "' and '" + info.name()
                        + "' both map to '" + canonical.get() + "': a checkpoint may use the " + keys.prefix() + ". prefix or not, but not both");
            }
        }
    }

    /**
     * The weights file or index this was opened from.
     *
     * @return the file's path
     */
    public Path source() {
        return source;
    }

    /**
     * Canonical names of every tensor not ignored, sorted.
     *
     * @return an unmodifiable sorted set
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(tensors.keySet()));
    }

    /**
     * Whether the checkpoint holds a tensor that was not ignored.
     *
     * @param canonicalName the tensor's canonical name (see {@link CheckpointKeys#canonical})
     * @return whether it is present
     */
    public boolean contains(String canonicalName) {
        return tensors.containsKey(canonicalName);
    }

    /**
     * What the file says of a tensor, by canonical name.
     *
     * @param canonicalName the tensor's canonical name
     * @return its name in the file, dtype and shape
     * @throws ModelFileException when there is no such tensor
     */
    public TensorInfo info(String canonicalName) {
        Located l = tensors.get(canonicalName);
        if (l == null) throw new ModelFileException(source, "no tensor '" + canonicalName + "'");
        return l.info;
    }

    /**
     * The file a tensor lives in (a shard, for sharded checkpoints).
     *
     * @param canonicalName the tensor's canonical name
     * @return the path of its file
     * @throws ModelFileException when there is no such tensor
     */
    public Path fileOf(String canonicalName) {
        Located l = tensors.get(canonicalName);
        if (l == null) throw new ModelFileException(source, "no tensor '" + canonicalName + "'");
        return l.file.path();
    }

    /**
     * The tensor's data as row-major float32.
     *
     * @param canonicalName the tensor's canonical name
     * @return a new array of {@code numel} values, converted from the stored dtype
     * @throws ModelFileException when there is no such tensor or its data cannot be read
     */
    public float[] readFloat32(String canonicalName) {
        Located l = tensors.get(canonicalName);
        if (l == null) throw new ModelFileException(source, "no tensor '" + canonicalName + "'");
        return l.file.readFloat32(l.info.name());
    }

    @Override
    public void close() {
        files.forEach(CheckpointFile::close);
    }
}
