package dev.jbert.spark;

import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The models of this JVM, one per folder and options: an executor loads a model the first time a task asks for
 * it and every later task, of any partition or stage, reuses it, so a model loads once per executor JVM rather
 * than once per partition or row. A folder on a file system other than the local one (HDFS, S3, any Hadoop
 * file system the cluster has) is copied to a local temporary folder first, once.
 */
final class ExecutorModels {

    private record Key(String folder, InferenceOptions options) {
    }

    /** A URI with a scheme (hdfs://, s3a://, file:/); anything else is a local path, whatever characters it holds. */
    private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/");
    private static final Map<String, Path> LOCAL_COPIES = new ConcurrentHashMap<>();
    private static final Map<Key, TextClassifier> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, ClassifierModel> EVALUATED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MODELS.values().forEach(TextClassifier::close), "jbert-spark-models"));
    }

    private ExecutorModels() {
    }

    /** The loaded model of {@code folder} with {@code options}, loading it on first use in this JVM. */
    static TextClassifier get(String folder, InferenceOptions options) {
        return MODELS.computeIfAbsent(new Key(folder, options), k -> TextClassifier.load(local(k.folder()), k.options()));
    }

    /**
     * The classifier of {@code folder} as the single-JVM evaluator runs it (logits of encoded batches), loaded on first
     * use in this JVM. Its graph is not for two threads at once: callers synchronise on it.
     */
    static ClassifierModel forEvaluation(String folder) {
        return EVALUATED.computeIfAbsent(folder, f -> {
            Path local = local(f);
            return SavedClassifier.open(local, SavedClassifier.specOf(local), 0, TrainedParameters.ALL);
        });
    }

    /** How many loaded models of {@code folder} this JVM holds, for any options (tests check that partitions share one). */
    static long loaded(String folder) {
        return MODELS.keySet().stream().filter(k -> k.folder().equals(folder)).count();
    }

    /** {@code folder} as a local path: itself when it is local, else a copy made once per JVM. */
    static Path local(String folder) {
        if (!HAS_SCHEME.matcher(folder).find()) return Path.of(folder);
        URI uri = URI.create(folder);
        if (uri.getScheme().equals("file")) return Path.of(uri);
        return LOCAL_COPIES.computeIfAbsent(folder, f -> {
            try {
                Path target = Files.createTempDirectory("jbert-model-");
                FileSystem fs = FileSystem.get(uri, new Configuration());
                for (var status : fs.listStatus(new org.apache.hadoop.fs.Path(uri))) {
                    if (status.isFile()) fs.copyToLocalFile(status.getPath(), new org.apache.hadoop.fs.Path(target.resolve(status.getPath().getName()).toUri()));
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the model folder " + folder + " to this machine: " + e.getMessage(), e);
            }
        });
    }
}
