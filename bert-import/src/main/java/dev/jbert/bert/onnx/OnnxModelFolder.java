package dev.jbert.bert.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jbert.bert.PretrainedEncoder;
import dev.jbert.bert.checkpoint.CheckpointKeys;
import dev.jbert.bert.checkpoint.SafetensorsWriter;
import dev.jbert.bert.checkpoint.TensorInfo;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a BERT exported to ONNX into a Hugging Face model folder ({@code config.json}, the
 * tokenizer files, {@code model.safetensors}) that {@link PretrainedEncoder#load(Path)}, the trainer
 * and transformers itself all read, for users who only have an ONNX export.
 *
 * <p>The weights are converted once to safetensors rather than read from the {@code .onnx} each
 * time: every later step (loading, saving a fine-tuned model beside its base, resuming) then sees
 * the one standard layout, and loading maps tensors without parsing a graph.
 *
 * <pre>{@code
 * Path dir = OnnxModelFolder.cached(Path.of("model.onnx"), Path.of("vocab.txt"), null);
 * PretrainedEncoder bert = PretrainedEncoder.load(dir);
 * }</pre>
 */
public final class OnnxModelFolder {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelFolder.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Bump when the folder layout or the conversion changes, so old cache entries are not reused. */
    static final String FORMAT = "onnx-folder-1";
    /** Files every finished folder holds. */
    static final List<String> REQUIRED = List.of("config.json", "model.safetensors");

    private OnnxModelFolder() {
    }

    /**
     * The folder for an ONNX export in the cache ({@link ModelCache#root()}), converted on first
     * use and reused while the inputs keep their path, size and modification time.
     *
     * @param onnxFile  the {@code .onnx} export
     * @param tokenizer {@code vocab.txt}, {@code tokenizer.json}, or a folder holding either; null to
     *                  look beside the .onnx file and in its parent folder
     * @param config    the model's {@code config.json}; null to use one beside the .onnx file or in
     *                  its parent folder, or failing that to derive it from the graph
     * @return the converted folder, under {@code onnx-import/} in the cache
     * @throws ModelFileException when an input is missing or invalid, or the folder cannot be written
     */
    public static Path cached(Path onnxFile, Path tokenizer, Path config) {
        return cached(onnxFile, tokenizer, config, ModelCache.root());
    }

    /**
     * {@link #cached(Path, Path, Path)} under another cache folder.
     *
     * @param onnxFile  the {@code .onnx} export
     * @param tokenizer the tokenizer file or folder, or null to look for one
     * @param config    the model's {@code config.json}, or null to look for one or derive it
     * @param cacheRoot the cache folder; the model goes in its {@code onnx-import/} subfolder
     * @return the converted folder
     * @throws ModelFileException when an input is missing or invalid, or the folder cannot be written
     */
    public static Path cached(Path onnxFile, Path tokenizer, Path config, Path cacheRoot) {
        Path onnx = onnxFile.toAbsolutePath().normalize();
        Path tok = tokenizer != null ? tokenizer.toAbsolutePath().normalize() : findTokenizer(onnx);
        Path cfg = config != null ? config.toAbsolutePath().normalize() : findConfig(onnx);
        String stem = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        String key = ModelCache.hash(FORMAT, fileStamp(onnx), stamp(tok), cfg == null ? "derived" : fileStamp(cfg));
        Path target = cacheRoot.resolve("onnx-import").resolve(stem + "-" + key);
        if (isComplete(target)) {
            LOG.debug("Reusing {} for {}", target, onnx);
            return target;
        }
        ModelCache.deleteTree(target);
        Path tmp = ModelCache.temporaryDirectoryFor(target);
        try {
            write(onnx, tok, cfg, tmp);
        } catch (RuntimeException e) {
            ModelCache.deleteTree(tmp);
            throw e;
        }
        return ModelCache.publishDirectory(tmp, target);
    }

    /**
     * Writes the folder for an ONNX export into {@code outDir}, which must not exist yet; it is
     * built beside it and renamed into place when complete.
     *
     * @param onnxFile  the {@code .onnx} export
     * @param tokenizer the tokenizer file or folder, or null to look for one
     * @param config    the model's {@code config.json}, or null to look for one or derive it
     * @param outDir    the folder to create
     * @return {@code outDir}, absolute and normalised
     * @throws ModelFileException when {@code outDir} exists, an input is missing or invalid, or the folder cannot be
     *                            written
     * @see #cached(Path, Path, Path) for the meaning of a null tokenizer or config
     */
    public static Path create(Path onnxFile, Path tokenizer, Path config, Path outDir) {
        Path onnx = onnxFile.toAbsolutePath().normalize();
        Path out = outDir.toAbsolutePath().normalize();
        if (Files.exists(out)) throw new ModelFileException(out, "already exists; give a new folder to write the model to");
        Path tok = tokenizer != null ? tokenizer : findTokenizer(onnx);
        Path cfg = config != null ? config : findConfig(onnx);
        Path tmp = ModelCache.temporaryDirectoryFor(out);
        try {
            write(onnx, tok, cfg, tmp);
            Files.move(tmp, out);
            return out;
        } catch (IOException e) {
            ModelCache.deleteTree(tmp);
            throw new ModelFileException(out, "cannot move the finished folder into place: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ModelCache.deleteTree(tmp);
            throw e;
        }
    }

    /**
     * What {@code config.json} the export implies, read from its tensor shapes and graph (see the
     * class comment of the inference for what is read where).
     *
     * @param onnxFile the {@code .onnx} export
     * @return a BERT config derived from the graph, with BERT's dropout and initializer defaults
     * @throws ModelFileException when the file cannot be read or a setting cannot be read off the graph
     */
    public static EncoderConfig inferConfig(Path onnxFile) {
        try (OnnxCheckpointFile f = OnnxCheckpointFile.open(onnxFile)) {
            return ConfigInference.infer(f);
        }
    }

    /** Writes every file of the folder into {@code dir}, which exists and is empty. */
    static void write(Path onnx, Path tokenizer, Path config, Path dir) {
        try (OnnxCheckpointFile weights = OnnxCheckpointFile.open(onnx)) {
            if (config != null) {
                EncoderConfig.load(config); // validate before copying it verbatim (it may hold labels)
                copy(config, dir.resolve("config.json"));
            } else {
                EncoderConfig derived = ConfigInference.infer(weights);
                LOG.info("{} came without config.json; derived from the graph: {} layers, hidden {}, {} heads, intermediate {},"
                                + " vocabulary {}, {} positions, layer_norm_eps {}, {}", onnx, derived.numHiddenLayers(),
                        derived.hiddenSize(), derived.numAttentionHeads(), derived.intermediateSize(), derived.vocabSize(),
                        derived.maxPositionEmbeddings(), derived.layerNormEps(), derived.hiddenAct().configName());
                writeString(dir.resolve("config.json"), JSON.writeValueAsString(derived.toJson()));
            }
            copyTokenizer(tokenizer, dir);
            writeSafetensors(weights, dir.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot write the model folder: " + e.getMessage(), e);
        }
        EncoderConfig written = EncoderConfig.load(dir.resolve("config.json"));
        PretrainedEncoder.checkVocabulary(written, Tokenizer.fromDirectory(dir), dir);
    }

    /**
     * The tensors of an ONNX export as {@code model.safetensors}, under their Hugging Face names,
     * float32, leaving out what {@link CheckpointKeys} ignores ({@code position_ids}, {@code cls.*}).
     */
    static void writeSafetensors(OnnxCheckpointFile weights, Path target) {
        Map<String, SafetensorsWriter.Tensor> out = new LinkedHashMap<>();
        for (TensorInfo info : weights.tensors().values()) {
            if (CheckpointKeys.BERT.canonical(info.name()).isEmpty()) continue;
            out.put(info.name(), new SafetensorsWriter.Tensor(weights.readFloat32(info.name()), info.shape()));
        }
        SafetensorsWriter.write(target, out);
    }

    /**
     * Copies a tokenizer into {@code dir}: a {@code tokenizer.json} (any name ending in .json), a
     * {@code vocab.txt} (any other file), or the tokenizer files of a folder; a
     * {@code tokenizer_config.json} or {@code special_tokens_map.json} beside it comes along.
     * A {@code vocab.txt} is written from {@code tokenizer.json} when there is none, for tools
     * that only read that.
     */
    static void copyTokenizer(Path tokenizer, Path dir) throws IOException {
        if (tokenizer == null) {
            throw new ModelFileException(dir, "no tokenizer given and none beside the .onnx file: give its vocab.txt or tokenizer.json");
        }
        if (Files.isDirectory(tokenizer)) {
            boolean any = false;
            for (String name : List.of("tokenizer.json", "vocab.txt")) {
                if (Files.isRegularFile(tokenizer.resolve(name))) {
                    copy(tokenizer.resolve(name), dir.resolve(name));
                    any = true;
                }
            }
            if (!any) throw new ModelFileException(tokenizer, "holds neither tokenizer.json nor vocab.txt");
        } else if (!Files.isRegularFile(tokenizer)) {
            throw new ModelFileException(tokenizer, "tokenizer file not found: give a vocab.txt or tokenizer.json");
        } else {
            copy(tokenizer, dir.resolve(tokenizer.getFileName().toString().endsWith(".json") ? "tokenizer.json" : "vocab.txt"));
        }
        Path beside = Files.isDirectory(tokenizer) ? tokenizer : tokenizer.toAbsolutePath().getParent();
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            if (beside != null && Files.isRegularFile(beside.resolve(name))) copy(beside.resolve(name), dir.resolve(name));
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json")) && !Files.exists(dir.resolve("vocab.txt"))) {
            writeVocab(dir.resolve("tokenizer.json"), dir.resolve("vocab.txt"));
        }
    }

    /** {@code vocab.txt} from a WordPiece {@code tokenizer.json}: one token per line in id order. */
    static void writeVocab(Path tokenizerJson, Path vocabTxt) throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) return; // the tokenizer loader reports what is wrong
        String[] byId = new String[vocab.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0 || id >= byId.length || byId[id] != null) return; // ids not 0..n-1: no vocab.txt can say it
            byId[id] = e.getKey();
        }
        StringBuilder sb = new StringBuilder();
        for (String token : byId) sb.append(token).append('\n');
        writeString(vocabTxt, sb.toString());
    }

    /** tokenizer.json or vocab.txt beside the .onnx file, or in its parent (optimum's onnx/ subfolder). */
    static Path findTokenizer(Path onnx) {
        for (Path dir : candidates(onnx)) {
            for (String name : List.of("tokenizer.json", "vocab.txt")) {
                if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
            }
        }
        return null;
    }

    static Path findConfig(Path onnx) {
        for (Path dir : candidates(onnx)) {
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                LOG.info("Using {} as the config of {}", dir.resolve("config.json"), onnx);
                return dir.resolve("config.json");
            }
        }
        return null;
    }

    private static List<Path> candidates(Path onnx) {
        Path dir = onnx.toAbsolutePath().getParent();
        if (dir == null) return List.of();
        return dir.getParent() == null ? List.of(dir) : List.of(dir, dir.getParent());
    }

    static boolean isComplete(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        for (String name : REQUIRED) if (!Files.isRegularFile(dir.resolve(name))) return false;
        return Files.isRegularFile(dir.resolve("tokenizer.json")) || Files.isRegularFile(dir.resolve("vocab.txt"));
    }

    /** What a cache entry depends on: a file's path, size and modification time (and its tokenizer companions). */
    private static String stamp(Path p) {
        if (p == null) return "none";
        Path dir = Files.isDirectory(p) ? p : p.getParent();
        StringBuilder sb = new StringBuilder(fileStamp(p));
        if (dir != null) {
            for (String name : List.of("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")) {
                if (!dir.resolve(name).equals(p)) sb.append('|').append(fileStamp(dir.resolve(name)));
            }
        }
        return sb.toString();
    }

    private static String fileStamp(Path p) {
        try {
            if (!Files.exists(p)) return p + ":absent";
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return p + ":" + a.size() + ":" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return p + ":unreadable";
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to);
    }

    static void writeString(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
