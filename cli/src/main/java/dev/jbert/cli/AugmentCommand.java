package dev.jbert.cli;

import dev.jbert.core.ModelFileException;
import dev.jbert.core.augment.AugmentReport;
import dev.jbert.core.augment.Augmenter;
import dev.jbert.core.augment.ChatEndpoint;
import dev.jbert.core.augment.PromptTemplate;
import dev.jbert.core.augment.SyntheticFile;
import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.DatasetFormat;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TextReader;
import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.heads.inference.Classification;
import dev.jbert.heads.inference.InferenceOptions;
import dev.jbert.heads.inference.TextClassifier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Synthetic minority examples from the user's own OpenAI-compatible LLM server, filtered and tagged. */
@Command(name = "augment", description = "Grow minority labels with examples an OpenAI-compatible LLM server writes (llama.cpp, vLLM, "
        + "Ollama, LM Studio, TGI), deduplicated against the training, validation and test files and tagged with their provenance; "
        + "train with them through 'train --synthetic'.")
final class AugmentCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, description = "The real training file (csv, tsv or jsonl; single-label, multi-label or pairs).")
    Path train;

    @Option(names = "--task", defaultValue = "single-label", description = "single-label or multi-label (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--output", required = true, description = "The file of generated examples, in the training file's format; "
            + "rerunning on it continues where it stopped.")
    Path output;

    @Option(names = "--validation", description = "Validation file: nothing generated may repeat or nearly repeat its texts.")
    Path validation;

    @Option(names = "--test", description = "Test file: nothing generated may repeat or nearly repeat its texts.")
    Path test;

    @Option(names = "--minority", defaultValue = "auto", description = "Labels to grow: a comma-separated list, or auto: every label "
            + "with fewer examples than --target-ratio × the largest label (default: ${DEFAULT-VALUE}).")
    String minority;

    @Option(names = "--target-ratio", defaultValue = "0.5", description = "Grow each chosen label to this share of the largest label's "
            + "count, real and generated together (default: ${DEFAULT-VALUE}).")
    double targetRatio;

    @Option(names = "--target-count", description = "Grow each chosen label to this many examples, real and generated together "
            + "(instead of --target-ratio).")
    Integer targetCount;

    @Option(names = "--endpoint", required = true, description = "The server: http://host:port, its /v1, or the full /v1/chat/completions URL.")
    URI endpoint;

    @Option(names = "--model", required = true, description = "The server's name of the LLM (what /v1/models lists).")
    String model;

    @Option(names = "--api-key-env", description = "Environment variable holding the API key (default: OPENAI_API_KEY when set; "
            + "none otherwise). Keys are never logged or written.")
    String apiKeyEnv;

    @Option(names = "--api-key-file", description = "File holding the API key (its first line).")
    Path apiKeyFile;

    @Option(names = "--label-descriptions", description = "What each label means, for the prompt: a JSON object (label -> text) or "
            + "a TSV/CSV of label and description.")
    Path labelDescriptions;

    @Option(names = "--prompt-template", description = "Replace the built-in prompt: a text file with {{label}}, {{examples}} and "
            + "optionally {{description}}, {{count}}, {{reply_format}}.")
    Path promptTemplate;

    @Option(names = "--examples-per-request", defaultValue = "10", description = "Examples asked for in one request (default: ${DEFAULT-VALUE}).")
    int perRequest;

    @Option(names = "--few-shot", defaultValue = "5", description = "Real examples of the label shown in one request (default: ${DEFAULT-VALUE}).")
    int fewShot;

    @Option(names = "--temperature", defaultValue = "0.9", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the few-shot draws and of each request (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-requests", description = "Requests per label at most in this run (default: four times what the target needs, plus 4).")
    Integer maxRequests;

    @Option(names = "--similarity", defaultValue = "0.8", description = "Character 5-gram Jaccard similarity from which a text counts as "
            + "a near duplicate (default: ${DEFAULT-VALUE}).")
    double similarity;

    @Option(names = "--min-length", description = "Shortest text kept, in characters (default: the shortest real training text).")
    Integer minLength;

    @Option(names = "--max-length", description = "Longest text kept, in characters (default: the longest real training text).")
    Integer maxLength;

    @Option(names = "--filter-model", description = "A classifier trained on the real data ('jbert train' output): keep only "
            + "examples it assigns to the intended label.")
    Path filterModel;

    @Option(names = "--min-confidence", defaultValue = "0.5", description = "With --filter-model, the lowest probability of the "
            + "intended label kept (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--connect-timeout", defaultValue = "10", description = "Seconds to connect (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    @Option(names = "--read-timeout", defaultValue = "120", description = "Seconds to wait for a reply (default: ${DEFAULT-VALUE}).")
    int readTimeout;

    @Option(names = "--retries", defaultValue = "5", description = "Retries of a request on 429, 5xx, timeouts and dropped connections, "
            + "with exponential backoff from --backoff (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--backoff", defaultValue = "1", description = "Seconds before the first retry, doubled each time; a server's "
            + "Retry-After wins (default: ${DEFAULT-VALUE}).")
    double backoff;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Task t = Task.parse(task);
        if (t == Task.TOKEN_CLASSIFICATION) throw new UsageException("augment grows labels of text classification data; token classification (CoNLL) is not supported");
        if (t == Task.REGRESSION) throw new UsageException("augment grows labels; regression data has none");
        TextReadOptions options = data.text(t, true);
        Dataset<TextExample> real = TextReader.read(train, options);
        List<Dataset<TextExample>> evaluation = new ArrayList<>();
        for (Path p : new Path[] {validation, test}) {
            if (p != null) evaluation.add(TextReader.read(p, data.text(t, false)));
        }
        boolean pairs = real.examples().stream().anyMatch(TextExample::hasPair);
        DatasetFormat format = options.format() != null ? options.format() : DatasetFormat.of(train);
        if (!format.equals(DatasetFormat.of(output))) {
            throw new UsageException("--output " + output + " should have the training file's format (" + format.name().toLowerCase() + ")");
        }
        Map<String, Integer> targets = targets(Augmenter.labelCounts(real));
        if (targets.isEmpty()) {
            System.out.println("No label is below the target (" + describeTarget() + "); nothing to generate.");
            return 0;
        }
        int shortest = real.examples().stream().mapToInt(e -> e.text().length()).min().orElse(1);
        int longest = real.examples().stream().mapToInt(e -> e.text().length()).max().orElse(10_000);
        int needed = targets.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        Augmenter.Settings settings = new Augmenter.Settings(targets, perRequest, fewShot, temperature, seed, concurrency,
                maxRequests != null ? maxRequests : 4 * ((needed + perRequest - 1) / perRequest) + 4, similarity,
                minLength != null ? minLength : shortest, maxLength != null ? maxLength : longest, descriptions(), minConfidence);
        ChatEndpoint chat = new ChatEndpoint(endpoint, model, apiKey(), Duration.ofSeconds(connectTimeout), Duration.ofSeconds(readTimeout),
                retries, Duration.ofMillis((long) (backoff * 1000)));
        PromptTemplate template = promptTemplate == null ? PromptTemplate.builtIn() : PromptTemplate.read(promptTemplate);
        SyntheticFile out = new SyntheticFile(output, format, SyntheticFile.columnsOf(train, format, options, pairs));
        int total = targets.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("Generating for " + targets + " through " + chat.host() + " (" + model + "), into " + output);
        TextClassifier filter = null;
        if (filterModel != null) {
            NativeBackend.init();
            filter = TextClassifier.load(filterModel, InferenceOptions.defaults().withMaxWait(Duration.ZERO));
        }
        AugmentReport report;
        try (out; TextClassifier closing = filter;
             ProgressBar bar = new ProgressBarBuilder().setTaskName("augment").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                     .setUpdateIntervalMillis(500).continuousUpdate().build()) {
            Map<String, Integer> have = new LinkedHashMap<>();
            Augmenter.LabelCheck check = closing == null ? null : (candidate, label) -> probability(closing, candidate, label);
            report = new Augmenter(chat, template, settings, check).run(real, evaluation, out, (label, accepted, target) -> {
                have.put(label, Math.min(accepted, target));
                bar.stepTo(have.values().stream().mapToInt(Integer::intValue).sum());
            });
        }
        Path reportFile = output.resolveSibling(output.getFileName() + ".report.json");
        report.write(reportFile);
        System.out.print(report.summary());
        System.out.println(report.accepted() + " examples written to " + output + "; the filters' counts are in " + reportFile);
        return 0;
    }

    private static double probability(TextClassifier classifier, dev.jbert.core.augment.Candidate candidate, String label) {
        Classification c = candidate.textPair() == null ? classifier.classify(candidate.text()) : classifier.classify(candidate.text(), candidate.textPair());
        Map<String, Double> p;
        if (c instanceof Classification.SingleLabel s) p = s.probabilities();
        else if (c instanceof Classification.MultiLabel m) p = m.probabilities();
        else throw new UsageException("--filter-model must be a classifier, not a regression model");
        if (!p.containsKey(label)) throw new UsageException("--filter-model does not know the label '" + label + "'; its labels are " + p.keySet());
        return p.get(label);
    }

    /** Per chosen label, how many examples the output should hold. */
    private Map<String, Integer> targets(Map<String, Integer> counts) {
        int largest = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (targetCount != null && targetCount < 1) throw new UsageException("--target-count must be at least 1, got " + targetCount);
        if (!(targetRatio > 0 && targetRatio <= 1)) throw new UsageException("--target-ratio must be in (0, 1], got " + targetRatio);
        int goal = targetCount != null ? targetCount : (int) Math.ceil(targetRatio * largest);
        List<String> chosen;
        if (minority.equalsIgnoreCase("auto")) {
            chosen = counts.entrySet().stream().filter(e -> e.getValue() < goal).map(Map.Entry::getKey).toList();
        } else {
            chosen = Arrays.stream(minority.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            for (String label : chosen) {
                if (!counts.containsKey(label)) throw new UsageException("--minority: '" + label + "' is not a label of " + train + "; its labels are " + counts.keySet());
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String label : chosen) {
            int wanted = goal - counts.get(label);
            if (wanted > 0) out.put(label, wanted);
        }
        return out;
    }

    private String describeTarget() {
        return targetCount != null ? targetCount + " examples per label" : targetRatio + " × the largest label";
    }

    private String apiKey() throws IOException {
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) throw new UsageException("--api-key-file " + apiKeyFile + " does not exist");
            List<String> lines = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) throw new UsageException("--api-key-file " + apiKeyFile + " is empty");
            return lines.get(0).strip();
        }
        if (apiKeyEnv != null) {
            String key = System.getenv(apiKeyEnv);
            if (key == null || key.isBlank()) throw new UsageException("--api-key-env: the environment variable " + apiKeyEnv + " is not set");
            return key;
        }
        return System.getenv("OPENAI_API_KEY");
    }

    private Map<String, String> descriptions() throws IOException {
        if (labelDescriptions == null) return Map.of();
        if (!Files.isRegularFile(labelDescriptions)) throw new UsageException("--label-descriptions " + labelDescriptions + " does not exist");
        String content = Files.readString(labelDescriptions, StandardCharsets.UTF_8);
        Map<String, String> out = new LinkedHashMap<>();
        if (content.strip().startsWith("{")) {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(content);
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        }
        String separator = labelDescriptions.toString().endsWith(".csv") ? "," : "\t";
        int n = 0;
        for (String line : content.split("\n")) {
            n++;
            if (line.isBlank()) continue;
            String[] f = line.split(separator, 2);
            if (f.length < 2) throw new ModelFileException(labelDescriptions, "line " + n + ": expected a label, a "
                    + (separator.equals(",") ? "comma" : "tab") + " and its description");
            out.put(f[0].strip(), f[1].strip());
        }
        return out;
    }
}
