package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.train.Checkpoints;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code jbert train} as a separate process, killed with SIGKILL at points drawn at random (after some step,
 * while a checkpoint is being written, after some time), then resumed with {@code --resume-from-checkpoint
 * latest}: the resumed run's model, metrics and log equal an uninterrupted run's bit for bit (timings aside),
 * and what the kill left behind is never taken for a checkpoint.
 */
class KillResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 12 steps an epoch, 2 epochs; a checkpoint every 3 steps and an evaluation with each, so kills land among them. */
    private static final int TRAIN_ROWS = 96;
    private static final int BATCH = 8;
    private static final int EPOCHS = 2;
    private static final int TOTAL_STEPS = TRAIN_ROWS / BATCH * EPOCHS;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);
    /** Fixed so that a failure can be replayed; each kill point still comes from it at random. */
    private static final Random RANDOM = new Random(20261202);

    @TempDir
    static Path dir;

    private static Path train;
    private static Path validation;
    private static Path reference;

    @BeforeAll
    static void uninterruptedRun() throws IOException {
        Path samples = Fixtures.repositoryRoot().resolve("samples/sst2");
        train = dir.resolve("train.tsv");
        validation = dir.resolve("dev.tsv");
        Files.write(train, Files.readAllLines(samples.resolve("train.tsv")).subList(0, TRAIN_ROWS + 1));
        Files.write(validation, Files.readAllLines(samples.resolve("dev.tsv")).subList(0, 41));
        reference = dir.resolve("reference");
        assertEquals(0, Main.run(arguments(reference).toArray(String[]::new)));
    }

    private static List<String> arguments(Path output) {
        return new ArrayList<>(List.of("train", "--model", Fixtures.folder("seq-cls").toString(),
                "--train", train.toString(), "--validation", validation.toString(), "--output", output.toString(),
                "--num-train-epochs", String.valueOf(EPOCHS), "--per-device-train-batch-size", String.valueOf(BATCH),
                "--learning-rate", "1e-3", "--max-seq-length", "32", "--seed", "11", "--logging-steps", "1",
                "--eval-strategy", "steps", "--eval-steps", "3", "--save-strategy", "steps", "--save-steps", "3",
                "--save-total-limit", "2", "--replace-head"));
    }

    @Test
    void killedAfterARandomStep() throws Exception {
        int step = 4 + RANDOM.nextInt(TOTAL_STEPS - 6);
        killResumeAndCompare("after-step", out -> loggedSteps(out) >= step);
    }

    @Test
    void killedWhileACheckpointIsWritten() throws Exception {
        // the first checkpoint must be complete, or there is nothing to resume from; any later one is fair game
        int after = 1 + RANDOM.nextInt(TOTAL_STEPS / 3 - 2);
        boolean caughtMidWrite = false;
        for (int attempt = 0; attempt < 5 && !caughtMidWrite; attempt++) {
            caughtMidWrite = killResumeAndCompare("mid-checkpoint-" + attempt,
                    o -> partialCheckpoint(o).filter(p -> checkpointStep(p) > 3 * after).isPresent());
        }
        assertTrue(caughtMidWrite, "no kill in five landed while a checkpoint was being written");
    }

    @Test
    void killedAfterARandomTime() throws Exception {
        long[] firstCheckpointAt = {0};
        long delayMs = RANDOM.nextInt(1500);
        killResumeAndCompare("after-time", out -> {
            if (!hasCheckpoint(out)) return false;
            if (firstCheckpointAt[0] == 0) firstCheckpointAt[0] = System.nanoTime();
            return System.nanoTime() - firstCheckpointAt[0] >= delayMs * 1_000_000;
        });
    }

    /**
     * Runs training in a child JVM, kills it when {@code killWhen} holds, resumes, and compares with the reference.
     * Returns whether the kill left a checkpoint half-written.
     */
    private static boolean killResumeAndCompare(String name, Predicate<Path> killWhen) throws Exception {
        Path out = dir.resolve(name);
        Process child = startChild(out);
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        boolean killed = false;
        while (child.isAlive()) {
            if (killWhen.test(out)) {
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
                killed = true;
                break;
            }
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                fail(name + ": the child run took longer than " + RUN_LIMIT);
            }
            Thread.onSpinWait();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(killed, name + ": the child finished before the kill point (exit " + child.exitValue() + "); see "
                + out.resolve("child.log"));

        Optional<Path> halfWritten = partialCheckpoint(out);
        Optional<Path> latest = new Checkpoints(out).latest();
        assertTrue(latest.isPresent(), name + ": killed before any checkpoint");
        halfWritten.ifPresent(partial -> assertTrue(Checkpoints.state(latest.get()).globalStep() < checkpointStep(partial),
                name + ": the latest checkpoint " + latest.get() + " is the one being written, " + partial));
        for (String file : List.of("trainer_state.json", "optimizer.bin", "model.safetensors", "config.json")) {
            assertTrue(Files.isRegularFile(latest.get().resolve(file)), name + ": the latest checkpoint " + latest.get() + " lacks " + file);
        }

        System.out.printf("%s: killed after %d logged steps; latest checkpoint %s; half-written %s%n", name, loggedSteps(out),
                latest.get().getFileName(), halfWritten.map(p -> p.getFileName().toString()).orElse("none"));

        List<String> resume = arguments(out);
        resume.addAll(List.of("--resume-from-checkpoint", "latest"));
        assertEquals(0, Main.run(resume.toArray(String[]::new)), name + ": the resumed run failed");

        assertArrayEquals(Files.readAllBytes(reference.resolve("model.safetensors")), Files.readAllBytes(out.resolve("model.safetensors")),
                name + ": the resumed model differs from the uninterrupted run's");
        assertEquals(JSON.readTree(reference.resolve("report.json").toFile()), JSON.readTree(out.resolve("report.json").toFile()),
                name + ": the resumed run's report differs");
        assertEquals(untimed(reference), untimed(out), name + ": the resumed run's log is not the uninterrupted run's");
        return halfWritten.isPresent();
    }

    private static Process startChild(Path out) throws IOException {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(arguments(out));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("child.log").toFile()).start();
    }

    /** The log's records without their wall-clock fields, in order. */
    private static List<JsonNode> untimed(Path out) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("log.jsonl"))) {
            ObjectNode record = (ObjectNode) JSON.readTree(line);
            record.remove(List.of("seconds", "examples_per_second"));
            records.add(record);
        }
        long steps = records.stream().filter(r -> r.get("type").asText().equals("step")).count();
        assertEquals(TOTAL_STEPS, steps, "step records in " + out.resolve("log.jsonl"));
        return records;
    }

    private static boolean hasCheckpoint(Path out) {
        try {
            return new Checkpoints(out).latest().isPresent();
        } catch (UncheckedIOException listedWhileDeleting) {
            return false;
        }
    }

    private static long loggedSteps(Path out) {
        try {
            Path log = out.resolve("log.jsonl");
            if (!Files.exists(log)) return 0;
            try (Stream<String> lines = Files.lines(log)) {
                return lines.filter(l -> l.contains("\"type\":\"step\"")).count();
            }
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static Optional<Path> partialCheckpoint(Path out) {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().matches("\\.checkpoint-\\d+\\.partial")).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static long checkpointStep(Path partial) {
        return Long.parseLong(partial.getFileName().toString().replaceAll("\\D", ""));
    }
}
