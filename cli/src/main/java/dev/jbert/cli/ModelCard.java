package dev.jbert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code README.md} model card {@code train} writes beside the saved model, as Hugging Face's Trainer does: what
 * the model was fine-tuned from and on (real and synthetic examples per label), the recipe, and the validation
 * metrics, so a model folder shared without its run folder still says how it was made.
 *
 * @param base         the base model as given (null: the built-in all-MiniLM-L6-v2)
 * @param task         the task's name as the command line spells it
 * @param labels       the labels in id order (empty for regression)
 * @param trainingData the examples per label, or null for token classification
 * @param recipe       the training settings, in order
 * @param metrics      the final validation metrics, or null when there was no validation file
 * @param validation   the validation file, or null
 */
record ModelCard(String base, String task, List<String> labels, Report.TrainingData trainingData, Map<String, String> recipe,
                 Map<String, Double> metrics, Path validation) {

    void write(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        String baseName = base == null ? "sentence-transformers/all-MiniLM-L6-v2 (jbert's built-in model)" : base;
        md.append("---\nlibrary_name: jbert\n")
                .append("pipeline_tag: ").append(task.equals("token") ? "token-classification" : "text-classification").append('\n')
                .append("tags:\n- jbert\n").append(trainingData != null && trainingData.synthetic() != null ? "- synthetic-data\n" : "")
                .append("---\n\n# ").append(dir.toAbsolutePath().normalize().getFileName()).append("\n\n")
                .append("A ").append(task).append(" model fine-tuned with jbert from ").append(baseName).append('.');
        if (!labels.isEmpty()) md.append(" Labels: ").append(String.join(", ", labels)).append('.');
        md.append('\n');
        if (trainingData != null) trainingData.markdown(md);
        md.append("\n## Training procedure\n\n| setting | value |\n|---|---|\n");
        recipe.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        if (metrics != null) {
            md.append("\n## Evaluation\n\nOn ").append(validation.getFileName()).append(":\n\n| metric | value |\n|---|---|\n");
            metrics.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(String.format(Locale.ROOT, "%.4f", v)).append(" |\n"));
        }
        Files.writeString(dir.resolve("README.md"), md);
    }
}
