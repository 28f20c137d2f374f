package dev.jbert.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.ExampleCounts;
import dev.jbert.core.metrics.ChunkCounts;
import dev.jbert.core.metrics.ClassScores;
import dev.jbert.core.metrics.ClassificationReport;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.metrics.MultiLabelReport;
import dev.jbert.core.metrics.NerReport;
import dev.jbert.core.metrics.RegressionReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation report a practitioner reads, as {@code report.md} and {@code report.json}: the
 * headline metrics, per-class (or per-entity-type) precision, recall, F1 and support, and the
 * confusion matrix for single-label tasks; after training, the training data: real and synthetic examples per label.
 */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {
    }

    /**
     * What a model was trained on: the examples per label, real and synthetic, the synthetic examples' loss weight
     * and the files they came from.
     *
     * @param synthetic the synthetic examples' file, or null when there are none
     */
    record TrainingData(ExampleCounts counts, Path train, Path synthetic) {

        ObjectNode json() {
            ObjectNode n = JSON.createObjectNode();
            n.put("train_file", train.toString()).put("real_examples", counts.realExamples());
            if (synthetic != null) {
                n.put("synthetic_file", synthetic.toString()).put("synthetic_examples", counts.syntheticExamples())
                        .put("synthetic_weight", counts.syntheticWeight());
            }
            if (!counts.labels().isEmpty()) {
                ObjectNode perLabel = n.putObject("per_label");
                long[] real = counts.real(), generated = counts.synthetic();
                for (int c = 0; c < real.length; c++) {
                    ObjectNode label = perLabel.putObject(counts.labels().get(c)).put("real", real[c]);
                    if (synthetic != null) label.put("synthetic", generated[c]);
                }
            }
            return n;
        }

        void markdown(StringBuilder md) {
            md.append("\n## Training data\n\n");
            if (synthetic == null) {
                md.append(String.format(Locale.ROOT, "%d examples from %s.%n", counts.realExamples(), train.getFileName()));
            } else {
                md.append(String.format(Locale.ROOT, "%d real examples from %s and %d synthetic from %s, each synthetic one"
                                + " weighing %s in the loss (a real one 1).%n", counts.realExamples(), train.getFileName(),
                        counts.syntheticExamples(), synthetic.getFileName(), counts.syntheticWeight()));
            }
            if (counts.labels().isEmpty()) return;
            md.append(synthetic == null ? "\n| label | examples |\n|---|---|\n" : "\n| label | real | synthetic |\n|---|---|---|\n");
            long[] real = counts.real(), generated = counts.synthetic();
            for (int c = 0; c < real.length; c++) {
                md.append("| ").append(counts.labels().get(c)).append(" | ").append(real[c]);
                if (synthetic != null) md.append(" | ").append(generated[c]);
                md.append(" |\n");
            }
        }
    }

    /** Writes both files into {@code dir} and returns the Markdown. */
    static String write(String title, Map<String, Double> metrics, MetricReport report, Path dir) {
        return write(title, metrics, report, null, dir);
    }

    /** As {@link #write(String, Map, MetricReport, Path)}, with what the model was trained on (null for none). */
    static String write(String title, Map<String, Double> metrics, MetricReport report, TrainingData trainingData, Path dir) {
        StringBuilder markdown = new StringBuilder(markdown(title, metrics, report));
        ObjectNode json = json(metrics, report);
        if (trainingData != null) {
            trainingData.markdown(markdown);
            json.set("training_data", trainingData.json());
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.md"), markdown);
            Files.writeString(dir.resolve("report.json"), json.toPrettyString());
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot write the report: " + e.getMessage(), e);
        }
        return markdown.toString();
    }

    static String markdown(String title, Map<String, Double> metrics, MetricReport report) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n| metric | value |\n|---|---|\n");
        metrics.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(fmt(v)).append(" |\n"));
        if (report instanceof ClassificationReport r) {
            perClass(md, r.perClass());
            confusionMatrix(md, r);
        } else if (report instanceof MultiLabelReport r) {
            perClass(md, r.perClass());
        } else if (report instanceof NerReport r) {
            md.append("\n## Per entity type (conlleval, percent)\n\n| type | precision | recall | F1 | gold | predicted |\n|---|---|---|---|---|---|\n");
            for (Map.Entry<String, ChunkCounts> e : r.perType().entrySet()) {
                ChunkCounts c = e.getValue();
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %d | %d |%n", e.getKey(), c.precision(),
                        c.recall(), c.f1(), c.gold(), c.guessed()));
            }
        } else if (report instanceof RegressionReport r) {
            md.append(String.format(Locale.ROOT, "%n%d examples.%n", r.numExamples()));
        }
        return md.toString();
    }

    private static void confusionMatrix(StringBuilder md, ClassificationReport r) {
        md.append("\n## Confusion matrix\n\nRows are true labels, columns predicted.\n\n| |");
        r.perClass().forEach(c -> md.append(' ').append(c.name()).append(" |"));
        md.append("\n|---|");
        r.perClass().forEach(c -> md.append("---|"));
        md.append('\n');
        int[][] m = r.confusionMatrix().toArray();
        for (int t = 0; t < m.length; t++) {
            md.append("| **").append(r.perClass().get(t).name()).append("** |");
            for (int count : m[t]) md.append(' ').append(count).append(" |");
            md.append('\n');
        }
    }

    private static void perClass(StringBuilder md, List<ClassScores> classes) {
        md.append("\n## Per class\n\n| label | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
        for (ClassScores c : classes) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", c.name(), c.precision(), c.recall(), c.f1(), c.support()));
        }
    }

    static ObjectNode json(Map<String, Double> metrics, MetricReport report) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject("metrics");
        metrics.forEach(m::put);
        if (report instanceof ClassificationReport r) {
            root.set("per_class", JSON.valueToTree(r.perClass()));
            ArrayNode cm = root.putArray("confusion_matrix");
            for (int[] row : r.confusionMatrix().toArray()) cm.add(JSON.valueToTree(row));
        } else if (report instanceof MultiLabelReport r) {
            root.set("per_class", JSON.valueToTree(r.perClass()));
        } else if (report instanceof NerReport r) {
            ObjectNode types = root.putObject("per_type");
            r.perType().forEach((type, c) -> types.putObject(type).put("precision", c.precision()).put("recall", c.recall())
                    .put("f1", c.f1()).put("gold", c.gold()).put("predicted", c.guessed()).put("correct", c.correct()));
        }
        return root;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
