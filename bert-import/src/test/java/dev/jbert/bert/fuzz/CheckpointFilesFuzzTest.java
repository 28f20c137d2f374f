package dev.jbert.bert.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jbert.bert.checkpoint.CheckpointFile;
import dev.jbert.bert.checkpoint.PytorchCheckpointFile;
import dev.jbert.bert.checkpoint.SafetensorsFile;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.onnx.OnnxCheckpointFile;
import dev.jbert.core.ModelFileException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Any bytes as a checkpoint (safetensors, PyTorch zip, the pickle inside one, ONNX) or a config.json either
 * open, with every tensor then read, or fail with a {@link ModelFileException} that says why: never another
 * exception, a hang, an allocation the file's size does not justify (a header claiming 2^62 bytes), or code
 * run from a pickle. Regression mode (every {@code mvn test}) replays the seeds and reproducers in
 * {@code src/test/resources/.../CheckpointFilesFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CheckpointFilesFuzzTest {

    private static final Path DIR = folder();
    /** Storages the pickle target's archive holds, of the sizes the seeds' pickles refer to. */
    private static final int[] STORAGE_BYTES = {48, 12, 24, 0};

    private static Path folder() {
        try {
            Path d = Files.createTempDirectory("jbert-fuzz-checkpoint");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void safetensors(byte[] data) throws IOException {
        opensOrRefuses("model.safetensors", data, SafetensorsFile::open);
    }

    /** The whole zip: entries, their names and sizes, then the pickle and storages. */
    @FuzzTest(maxDuration = "10m")
    void pytorchZip(byte[] data) throws IOException {
        opensOrRefuses("pytorch_model.bin", data, PytorchCheckpointFile::open);
    }

    /** A sound zip around any {@code data.pkl}: the unpickler, its allow-list and the tensor table. */
    @FuzzTest(maxDuration = "10m")
    void pickle(byte[] data) throws IOException {
        opensOrRefuses("pytorch_model.bin", zipAround(data), PytorchCheckpointFile::open);
    }

    @FuzzTest(maxDuration = "10m")
    void onnx(byte[] data) throws IOException {
        opensOrRefuses("model.onnx", data, OnnxCheckpointFile::open);
    }

    @FuzzTest(maxDuration = "10m")
    void configJson(byte[] data) throws IOException {
        Path file = DIR.resolve("config.json");
        Files.write(file, data);
        try {
            EncoderConfig.load(file);
        } catch (ModelFileException refused) {
            requireMessage(refused);
        }
    }

    private static void opensOrRefuses(String name, byte[] data, Function<Path, CheckpointFile> open) throws IOException {
        Path file = DIR.resolve(name);
        Files.write(file, data);
        try (CheckpointFile checkpoint = open.apply(file)) {
            for (String tensor : checkpoint.tensors().keySet()) checkpoint.readFloat32(tensor);
        } catch (ModelFileException refused) {
            requireMessage(refused);
        }
    }

    private static byte[] zipAround(byte[] pickle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "archive/data.pkl", pickle);
            entry(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < STORAGE_BYTES.length; i++) entry(zip, "archive/data/" + i, new byte[STORAGE_BYTES[i]]);
            entry(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static void requireMessage(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a refusal without a message", e);
    }
}
