package dev.jbert.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.FileTrees;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.optim.AdamW;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checkpoint folders {@code checkpoint-<step>/} under the output directory, as transformers' Trainer
 * lays them out: the model (written by the model itself, loadable on its own), {@code optimizer.bin}
 * (AdamW moments) and {@code trainer_state.json}. Each is written into a hidden partial folder and
 * renamed into place in one step, so a kill mid-write leaves the previous checkpoints intact and no
 * half-written one under a checkpoint name.
 *
 * <p>Holds only its folder, but is not safe for concurrent use of one output directory: saves and rotations there
 * must not overlap (the trainer makes them on the training thread).
 */
public final class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "checkpoint-";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "trainer_state.json";

    private final Path outputDir;

    /**
     * Checkpoints of one run.
     *
     * @param outputDir the run's output directory, which holds the checkpoint folders; created on the first save
     */
    public Checkpoints(Path outputDir) {
        this.outputDir = outputDir;
    }

    /**
     * Writes a checkpoint for the state's step and returns its folder.
     *
     * @param model     the model, which writes its own files
     * @param optimizer the optimizer whose moments are saved
     * @param state     the trainer state; its global step names the folder
     * @return the checkpoint's folder, {@code checkpoint-<step>}, replacing one of that name
     * @throws ModelFileException if the checkpoint cannot be written
     */
    public Path save(TrainableModel model, AdamW optimizer, TrainerState state) {
        Path target = outputDir.resolve(PREFIX + state.globalStep);
        Path partial = outputDir.resolve("." + PREFIX + state.globalStep + ".partial");
        try {
            Files.createDirectories(outputDir);
            FileTrees.delete(partial);
            Files.createDirectories(partial);
            model.save(partial);
            writeOptimizer(partial.resolve(OPTIMIZER), optimizer.stateView());
            Files.writeString(partial.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state.toJson()));
            if (Files.exists(target)) FileTrees.delete(target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelFileException(target, "cannot write the checkpoint: " + e.getMessage(), e);
        }
        return target;
    }

    /**
     * Every complete checkpoint, oldest step first.
     *
     * @return the checkpoint folders, empty when there are none or no output directory
     */
    public List<Path> list() {
        if (!Files.isDirectory(outputDir)) return List.of();
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches(PREFIX + "\\d+"))
                    .sorted(Comparator.comparingLong(Checkpoints::step))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The newest complete checkpoint, if any.
     *
     * @return the checkpoint of the highest step, or empty
     */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Deletes the oldest checkpoints beyond {@code limit}, never the best one. 0 keeps all. As in
     * transformers, a limit of 1 with an older best keeps two, the best and the newest, so the run
     * can still resume from where it is.
     *
     * @param limit          the checkpoints to keep
     * @param bestCheckpoint the best checkpoint's folder name ({@code checkpoint-<step>}), or null
     */
    public void rotate(int limit, String bestCheckpoint) {
        if (limit <= 0) return;
        List<Path> all = list();
        if (limit == 1 && bestCheckpoint != null && !all.isEmpty()
                && !all.get(all.size() - 1).getFileName().toString().equals(bestCheckpoint)) {
            limit = 2;
        }
        int excess = all.size() - limit;
        for (Path p : all) {
            if (excess <= 0) break;
            if (p.getFileName().toString().equals(bestCheckpoint)) continue;
            FileTrees.delete(p);
            excess--;
        }
    }

    /**
     * Loads weights and optimizer state from a checkpoint and returns its trainer state.
     *
     * @param checkpoint the checkpoint's folder
     * @param model      the model, whose parameters are overwritten
     * @param optimizer  the optimizer, whose moments are overwritten
     * @return the trainer state at the checkpoint
     */
    public static TrainerState restore(Path checkpoint, TrainableModel model, AdamW optimizer) {
        TrainerState state = state(checkpoint);
        model.load(checkpoint);
        optimizer.importState(readOptimizer(checkpoint.resolve(OPTIMIZER)));
        return state;
    }

    /**
     * The trainer state a checkpoint holds (its step, epoch, logs), without loading the model.
     *
     * @param checkpoint the checkpoint's folder
     * @return the state it holds
     */
    public static TrainerState state(Path checkpoint) {
        Path stateFile = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new ModelFileException(checkpoint, "not a checkpoint: no " + STATE + " (expected a checkpoint-N folder this tool wrote)");
        }
        try {
            JsonNode json = JSON.readTree(stateFile.toFile());
            return TrainerState.fromJson(json, stateFile);
        } catch (IOException e) {
            throw new ModelFileException(stateFile, "cannot read the trainer state: " + e.getMessage(), e);
        }
    }

    private static void writeOptimizer(Path file, Map<String, AdamW.ParameterState> state) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(state.size());
            for (Map.Entry<String, AdamW.ParameterState> e : state.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().step());
                ReadBack.write(e.getValue().expAvg(), out, ReadBack.Use.SAVING);
                ReadBack.write(e.getValue().expAvgSq(), out, ReadBack.Use.SAVING);
            }
        }
    }

    private static Map<String, AdamW.ParameterState> readOptimizer(Path file) {
        Map<String, AdamW.ParameterState> state = new TreeMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                long step = in.readLong();
                INDArray m = Nd4j.read(in);
                INDArray v = Nd4j.read(in);
                state.put(name, new AdamW.ParameterState(step, m, v));
            }
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(file, "cannot read the optimizer state (truncated or not written by this tool): " + e.getMessage(), e);
        }
        return state;
    }

    private static long step(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(PREFIX.length()));
    }
}
