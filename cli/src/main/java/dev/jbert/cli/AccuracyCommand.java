package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bench.accuracy.AccuracyReport;
import dev.jbert.bench.accuracy.Recipe;
import dev.jbert.bench.accuracy.RecipeResult;
import dev.jbert.bench.harness.Machine;
import dev.jbert.core.FileTrees;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.nd4j.NativeBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The accuracy suite: trains and evaluates recipes on real data, each run in a JVM of its own as a user would run
 * {@code jbert train}, and records the figures beside Trainer's in {@code ACCURACY.md} and {@code accuracy.json}.
 */
@Command(name = "accuracy", description = {
        "Train and evaluate the accuracy recipes (bench/accuracy/*.json) on real data and write ACCURACY.md and",
        "accuracy.json with jbert's figures beside Hugging Face Trainer's. Each run is its own jbert train; its",
        "progress shows as it goes, and the report is rewritten after every run."})
final class AccuracyCommand implements Callable<Integer> {

    /** Flags of a recipe that say how to read its files, which the test file's {@code jbert eval} needs too. */
    private static final List<String> READING_FLAGS = List.of("--format", "--text-column", "--text-pair-column", "--label-column",
            "--multi-label-delimiter", "--max-seq-length");
    private static final List<String> READING_SWITCHES = List.of("--no-header", "--skip-bad-rows");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "RECIPE", description = "Recipes to run, by name (default: all of them).")
    List<String> names = new ArrayList<>();

    @Option(names = "--recipes", defaultValue = "bench/accuracy", description = "Folder of recipe files. Default: ${DEFAULT-VALUE}.")
    Path recipeFolder;

    @Option(names = "--data", required = true,
            description = "Folder of the datasets the recipes name as ${data}: sst2/, conll2003/, rte/, stsb/, goemotions/ as their SOURCE.md lay them out.")
    Path data;

    @Option(names = "--runs", defaultValue = "runs/accuracy", description = "Where the trained models go. Default: ${DEFAULT-VALUE}.")
    Path runs;

    @Option(names = "--report", description = "Folder for ACCURACY.md and accuracy.json (default: the recipes folder; with --max-steps, the --runs folder).")
    Path reportFolder;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Cap every run at N steps: a quick check that the recipes and the data still go together (say, on the bundled samples).")
    Integer maxSteps;

    @Option(names = "--variant", paramLabel = "NAME",
            description = "Run only these variants (repeat the option; 'recipe' is the recipe as written). Default: the recipe and all its variants.")
    List<String> variants = new ArrayList<>();

    @Option(names = "--no-variants", description = "Run each recipe as written, none of its variants.")
    boolean noVariants;

    @Option(names = "--skip-done", description = "Skip runs that the report already holds (to finish a suite that was interrupted).")
    boolean skipDone;

    @Option(names = "--dry-run", description = "Print the commands and run nothing.")
    boolean dryRun;

    /** One training run: a recipe, as written (null variant) or with a variant's flags. */
    private record Run(Recipe recipe, Recipe.Variant variant) {
        String variantName() {
            return variant == null ? null : variant.name();
        }

        String title() {
            return recipe.task() + (variant == null ? "" : ", " + variant.name());
        }

        String folderName() {
            return variant == null ? recipe.name() : recipe.name() + "-" + variant.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("(^-|-$)", "");
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Recipe> all = Recipe.readAll(recipeFolder);
        List<Run> plan = plan(all);
        // a capped run's figures say nothing of accuracy: they stay out of the suite's record unless asked
        Path reports = reportFolder != null ? reportFolder : maxSteps != null ? runs : recipeFolder;
        AccuracyReport report = AccuracyReport.open(reports);
        for (Run run : plan) checkFiles(run.recipe());
        if (skipDone) plan = plan.stream().filter(r -> report.result(r.recipe().name(), r.variantName()).isEmpty()).toList();
        PrintStream out = System.out;
        String machine = dryRun ? "" : machine();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Run run = plan.get(i);
            Path output = runs.resolve(run.folderName());
            List<String> trainArgs = trainArguments(run, output);
            out.printf("%n[%d/%d] %s%n%s%n", i + 1, plan.size(), run.title(), "jbert " + String.join(" ", trainArgs));
            if (dryRun) continue;
            if (Files.exists(output)) FileTrees.delete(output);
            long start = System.nanoTime();
            if (run.variant() != null && run.variant().evaluate()) {
                Path trained = runs.resolve(new Run(run.recipe(), null).folderName());
                if (!Files.isRegularFile(trained.resolve("config.json"))) {
                    failed.add(run.title());
                    out.printf("[%d/%d] %s: evaluates the model the recipe trains, and %s holds none: run the recipe first%n",
                            i + 1, plan.size(), run.title(), trained);
                    continue;
                }
            }
            int code = jbert(trainArgs);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (code != 0) {
                failed.add(run.title());
                out.printf("[%d/%d] %s: jbert train failed with exit code %d (its messages are above); going on with the rest%n",
                        i + 1, plan.size(), run.title(), code);
                continue;
            }
            JsonNode test = null;
            Path testReport = null;
            double testSeconds = 0;
            if (run.recipe().test() != null) {
                List<String> evalArgs = evalArguments(run, output);
                out.println("jbert " + String.join(" ", evalArgs));
                start = System.nanoTime();
                code = jbert(evalArgs);
                testSeconds = (System.nanoTime() - start) / 1e9;
                if (code != 0) {
                    failed.add(run.title() + " (test)");
                    out.printf("[%d/%d] %s: jbert eval on the test file failed with exit code %d; going on with the rest%n",
                            i + 1, plan.size(), run.title(), code);
                    continue;
                }
                testReport = output.resolve("test").resolve("report.json");
                test = readReport(testReport);
            }
            Path validationReport = output.resolve("report.json");
            Map<String, Double> metrics = RecipeResult.metricsFrom(run.recipe(), readReport(validationReport), validationReport,
                    test, testReport);
            RecipeResult result = new RecipeResult(run.recipe().name(), run.variantName(), trainArgs, metrics, seconds, testSeconds,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine);
            report.record(result, all);
            out.printf("[%d/%d] %s: %s in %.0f s%n", i + 1, plan.size(), run.title(), describe(run.recipe(), metrics), seconds + testSeconds);
        }
        if (!dryRun) {
            report.write(all);
            out.printf("%nwritten: %s, %s%n", reports.resolve(AccuracyReport.MARKDOWN_FILE), reports.resolve(AccuracyReport.JSON_FILE));
        }
        if (!failed.isEmpty()) {
            System.err.println("error: " + failed.size() + " run(s) failed: " + String.join("; ", failed));
            return 1;
        }
        return 0;
    }

    private List<Run> plan(List<Recipe> all) {
        List<Recipe> chosen = new ArrayList<>();
        for (String n : names) {
            Recipe r = all.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() -> new UsageException(
                    "no recipe '" + n + "' in " + recipeFolder + " (it has " + all.stream().map(Recipe::name).toList() + ")"));
            chosen.add(r);
        }
        if (chosen.isEmpty()) chosen.addAll(all);
        List<Run> plan = new ArrayList<>();
        List<String> unmatched = new ArrayList<>(variants);
        for (Recipe r : chosen) {
            if (variants.isEmpty() || variants.contains("recipe")) plan.add(new Run(r, null));
            unmatched.remove("recipe");
            if (noVariants) continue;
            for (Recipe.Variant v : r.variants()) {
                if (!variants.isEmpty() && !variants.contains(v.name())) continue;
                unmatched.remove(v.name());
                plan.add(new Run(r, v));
            }
        }
        if (!unmatched.isEmpty()) {
            throw new UsageException("--variant " + unmatched + ": no such variant in the chosen recipes (they have "
                    + chosen.stream().flatMap(r -> r.variants().stream().map(Recipe.Variant::name)).toList() + ", and 'recipe')");
        }
        return plan;
    }

    /** Every data file a recipe names, before any run starts: a typo should not surface an hour in. */
    private void checkFiles(Recipe r) {
        for (String f : new String[]{r.train(), r.validation(), r.test()}) {
            if (f == null) continue;
            Path p = Path.of(resolve(f));
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("recipe " + r.name() + ": " + p + ": no such file"
                        + (f.contains("${data}") ? " (--data names the folder of the datasets, now " + data + ")" : ""));
            }
        }
    }

    /**
     * The command of a run: {@code jbert train} with the recipe's flags, or for an evaluation variant {@code jbert eval}
     * of the recipe's own model on the validation file, with the flags that read the data and the variant's own.
     */
    private List<String> trainArguments(Run run, Path output) {
        Recipe r = run.recipe();
        if (run.variant() != null && run.variant().evaluate()) {
            Path trained = runs.resolve(new Run(r, null).folderName());
            List<String> args = new ArrayList<>(List.of("eval", "--model", trained.toString(), "--data", resolve(r.validation()),
                    "--output", output.toString()));
            args.addAll(readingFlags(r.flags()));
            for (String f : run.variant().flags()) args.add(resolve(f));
            return args;
        }
        List<String> args = new ArrayList<>(List.of("train"));
        if (r.model() != null) args.addAll(List.of("--model", resolve(r.model())));
        args.addAll(List.of("--train", resolve(r.train()), "--validation", resolve(r.validation()), "--output", output.toString()));
        for (String f : r.flagsFor(run.variant())) args.add(resolve(f));
        if (maxSteps != null) args.addAll(List.of("--max-steps", String.valueOf(maxSteps)));
        return args;
    }

    private List<String> evalArguments(Run run, Path output) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", output.toString(), "--data", resolve(run.recipe().test()),
                "--output", output.resolve("test").toString()));
        args.addAll(readingFlags(run.recipe().flagsFor(run.variant())));
        return args;
    }

    /** The flags among {@code flags} that say how to read a data file, which eval needs as train did. */
    private List<String> readingFlags(List<String> flags) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < flags.size(); i++) {
            if (READING_SWITCHES.contains(flags.get(i))) args.add(flags.get(i));
            if (READING_FLAGS.contains(flags.get(i)) && i + 1 < flags.size()) args.addAll(List.of(flags.get(i), resolve(flags.get(i + 1))));
        }
        return args;
    }

    private String resolve(String value) {
        return Recipe.resolve(value, data, recipeFolder);
    }

    /** A jbert command in a JVM of its own, with this JVM's options, its output shown as it comes. */
    private static int jbert(List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).inheritIO().start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + String.join(" ", args.subList(0, 1)) + " ran", e);
        }
    }

    private static JsonNode readReport(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read as a report: " + e.getMessage(), e);
        }
    }

    private static String machine() {
        NativeBackend.init();
        return Machine.current().describe();
    }

    private static String describe(Recipe r, Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        for (Recipe.Metric m : r.metrics()) {
            Double v = metrics.get(m.key());
            if (v != null) parts.add(String.format(Locale.ROOT, "%s %.4f", m.label() != null ? m.label() : m.key(), v));
        }
        return String.join(", ", parts);
    }
}
