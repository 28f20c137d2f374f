package dev.jbert.cli;

import dev.jbert.bert.onnx.DefaultModel;
import dev.jbert.bert.onnx.OnnxModelFolder;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the {@code --model} option into a Hugging Face-style folder. */
final class Models {

    private Models() {
    }

    /**
     * Omitted (or {@code default}): the built-in all-MiniLM-L6-v2, materialised from the jar on first
     * use. A {@code .onnx} file: imported, with the {@code tokenizer.json} or {@code vocab.txt} and
     * optional {@code config.json} beside it. Otherwise a Hugging Face model folder.
     */
    static Path folder(String model) {
        if (model == null || model.isBlank() || model.equals("default") || model.equals(DefaultModel.NAME)) {
            return DefaultModel.folder();
        }
        Path path = Path.of(model);
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx")) {
            Path dir = path.toAbsolutePath().getParent();
            Path tokenizer = Files.isRegularFile(dir.resolve("tokenizer.json")) ? dir.resolve("tokenizer.json") : dir.resolve("vocab.txt");
            if (!Files.isRegularFile(tokenizer)) {
                throw new IllegalArgumentException("--model " + model + ": an ONNX model needs a tokenizer.json or vocab.txt beside it in " + dir);
            }
            Path config = dir.resolve("config.json");
            return OnnxModelFolder.cached(path, tokenizer, Files.isRegularFile(config) ? config : null);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("--model " + model + ": no such model folder or .onnx file");
        }
        return path;
    }
}
