package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.Label;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.TextExample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Grows chosen labels of a training set with examples an LLM writes: few-shot requests (real examples of the label
 * drawn with a seed), replies parsed as JSON lists, and every candidate through the filters before it is written:
 * length within the real data's bounds, no exact or near duplicate of a training, validation or test text or of an
 * earlier generated one, and, when a classifier is given, its probability of the intended label at least the minimum.
 * Requests run {@code concurrency} at a time; filtering and writing happen on the calling thread, one reply at a time.
 * A rerun on the same output continues: what is written counts, and request numbers (which fix each request's seed)
 * go on from the last. One use per instance.
 */
public final class Augmenter {

    /** Consecutive requests that fail even after their retries before the run stops (what is written stays). */
    static final int FAILURES_BEFORE_STOP = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatEndpoint endpoint;
    private final PromptTemplate template;
    private final Settings settings;
    private final LabelCheck check;

    /**
     * @param targets      per label, how many generated examples the output should hold in the end
     * @param perRequest   examples asked for in one request
     * @param fewShot      real examples shown in one request
     * @param temperature  the sampling temperature, in [0, 2]
     * @param seed         the run's seed; each request's seed derives from it, the label and the request number
     * @param concurrency  requests in flight at once
     * @param maxRequests  requests per label at most in this run, so filters that reject everything cannot loop
     * @param similarity   5-gram Jaccard similarity from which a text is a near duplicate
     * @param minLength    shortest text kept, in characters
     * @param maxLength    longest text kept, in characters
     * @param descriptions per label, a description for the prompt (may lack labels)
     * @param minConfidence with a {@link LabelCheck}, the lowest probability of the intended label kept
     */
    public record Settings(Map<String, Integer> targets, int perRequest, int fewShot, double temperature, long seed,
                           int concurrency, int maxRequests, double similarity, int minLength, int maxLength,
                           Map<String, String> descriptions, double minConfidence) {
        /**
         * Validates the settings and copies the maps.
         *
         * @param targets      per label, how many generated examples the output should hold in the end
         * @param perRequest   examples asked for in one request
         * @param fewShot      real examples shown in one request
         * @param temperature  the sampling temperature, in [0, 2]
         * @param seed         the run's seed; each request's seed derives from it, the label and the request number
         * @param concurrency  requests in flight at once
         * @param maxRequests  requests per label at most in this run, so filters that reject everything cannot loop
         * @param similarity   5-gram Jaccard similarity from which a text is a near duplicate
         * @param minLength    shortest text kept, in characters
         * @param maxLength    longest text kept, in characters
         * @param descriptions per label, a description for the prompt (may lack labels)
         * @param minConfidence with a {@link LabelCheck}, the lowest probability of the intended label kept
         * @throws IllegalArgumentException if a count is below 1, the temperature is outside [0, 2] or the length
         *                                  bounds are empty
         */
        public Settings {
            if (perRequest < 1 || fewShot < 1 || concurrency < 1 || maxRequests < 1) {
                throw new IllegalArgumentException("examples per request, examples shown, concurrency and the request cap must be at least 1");
            }
            if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("the temperature must be in [0, 2], got " + temperature);
            if (minLength < 1 || maxLength < minLength) throw new IllegalArgumentException("length bounds [" + minLength + ", " + maxLength + "] are empty");
            targets = Map.copyOf(targets);
            descriptions = Map.copyOf(descriptions);
        }
    }

    /** A classifier trained on the real data: the probability it gives a candidate for a label. Thread confinement: called on one thread. */
    public interface LabelCheck {
        /**
         * The classifier's probability of a label.
         *
         * @param candidate a generated example
         * @param label     the label it was generated for
         * @return the probability, in [0, 1]
         */
        double probability(Candidate candidate, String label);
    }

    /** Told of each finished request, on the thread that called {@link Augmenter#run}, one request at a time. */
    public interface Progress {
        /**
         * Called after each request.
         *
         * @param label    the label the request was for
         * @param accepted the label's examples in the output so far, written before this run included
         * @param target   the label's target
         */
        void request(String label, int accepted, int target);
    }

    /**
     * An augmenter; nothing is requested until {@link #run}.
     *
     * @param endpoint the LLM server
     * @param template the prompt
     * @param settings targets, filters and limits
     * @param check    a classifier that filters candidates by their label's probability, or null for none
     */
    public Augmenter(ChatEndpoint endpoint, PromptTemplate template, Settings settings, LabelCheck check) {
        this.endpoint = endpoint;
        this.template = template;
        this.settings = settings;
        this.check = check;
    }

    /**
     * Generates until every label holds its target in {@code out}, or its request cap is reached.
     *
     * @param train      the real training data (few-shot examples, duplicates)
     * @param evaluation validation and test data: nothing generated may repeat them
     * @param out        the file rows are appended to; the rows already there count
     * @param progress   told of each request, or null
     * @return what was requested, accepted and rejected
     * @throws ChatEndpoint.EndpointException when the server refuses requests, or fails {@value #FAILURES_BEFORE_STOP}
     *                                        in a row; the rows written so far stay, and a rerun continues
     * @throws InterruptedException if interrupted while waiting for the server
     */
    public AugmentReport run(Dataset<TextExample> train, List<Dataset<TextExample>> evaluation, SyntheticFile out, Progress progress)
            throws InterruptedException {
        boolean pairs = train.examples().stream().anyMatch(TextExample::hasPair);
        Map<String, List<TextExample>> byLabel = byLabel(train);
        for (String label : settings.targets().keySet()) {
            if (!byLabel.containsKey(label)) {
                throw new IllegalArgumentException("label '" + label + "' has no example in " + train.file() + " to show; its labels are " + byLabel.keySet());
            }
        }
        NearDuplicates seen = new NearDuplicates(settings.similarity());
        for (TextExample e : train.examples()) seen.add(key(e.text(), e.textPair()), "train");
        for (Dataset<TextExample> d : evaluation) {
            for (TextExample e : d.examples()) seen.add(key(e.text(), e.textPair()), "eval:" + d.file().getFileName());
        }
        Map<String, AugmentReport.Counts> counts = new LinkedHashMap<>();
        Map<String, Integer> nextRequest = new LinkedHashMap<>();
        for (String label : settings.targets().keySet()) {
            counts.put(label, new AugmentReport.Counts());
            nextRequest.put(label, 0);
        }
        for (SyntheticFile.Row row : out.existing()) {
            seen.add(key(row.candidate().text(), row.candidate().textPair()), "generated");
            AugmentReport.Counts c = counts.get(row.label());
            if (c != null) c.alreadyWritten++;
            nextRequest.merge(row.label(), row.provenance().request() + 1, Math::max);
        }
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "augment-request");
            t.setDaemon(true);
            return t;
        });
        ExecutorCompletionService<Result> done = new ExecutorCompletionService<>(pool);
        Map<String, Integer> inFlight = new LinkedHashMap<>();
        Map<String, Integer> issued = new LinkedHashMap<>();
        int running = 0, failuresInARow = 0;
        try {
            while (true) {
                while (running < settings.concurrency()) {
                    String label = nextLabel(counts, inFlight, issued);
                    if (label == null) break;
                    int request = nextRequest.merge(label, 1, Integer::sum) - 1;
                    done.submit(() -> ask(label, request, byLabel.get(label), pairs));
                    inFlight.merge(label, 1, Integer::sum);
                    issued.merge(label, 1, Integer::sum);
                    running++;
                }
                if (running == 0) break;
                Result r = take(done);
                running--;
                inFlight.merge(r.label, -1, Integer::sum);
                AugmentReport.Counts c = counts.get(r.label);
                c.requests++;
                if (r.reply.ok()) {
                    failuresInARow = 0;
                    keep(r, pairs, seen, c, out);
                } else {
                    c.failedRequests++;
                    if (++failuresInARow >= FAILURES_BEFORE_STOP) {
                        throw new ChatEndpoint.EndpointException(failuresInARow + " requests in a row to " + endpoint.host() + " failed, the last: "
                                + r.reply.failure() + ". What was accepted is in " + out.file() + "; run the same command again to continue.");
                    }
                }
                if (progress != null) progress.request(r.label, c.alreadyWritten + c.accepted, settings.targets().get(r.label));
            }
        } finally {
            pool.shutdownNow();
        }
        return new AugmentReport(endpoint.model(), endpoint.host(), template.id(), template.hash(), settings.targets(), counts);
    }

    /** A label still short of its target, counting the examples its running requests may bring; null when none. */
    private String nextLabel(Map<String, AugmentReport.Counts> counts, Map<String, Integer> inFlight, Map<String, Integer> issued) {
        String best = null;
        int bestShort = 0;
        for (Map.Entry<String, Integer> t : settings.targets().entrySet()) {
            AugmentReport.Counts c = counts.get(t.getKey());
            int coming = inFlight.getOrDefault(t.getKey(), 0) * settings.perRequest();
            int shortBy = t.getValue() - c.alreadyWritten - c.accepted - coming;
            if (shortBy <= 0 || issued.getOrDefault(t.getKey(), 0) >= settings.maxRequests()) continue;
            if (shortBy > bestShort) {
                best = t.getKey();
                bestShort = shortBy;
            }
        }
        return best;
    }

    private record Result(String label, int request, long seed, List<String> shown, ChatEndpoint.Reply reply) {
    }

    private Result ask(String label, int request, List<TextExample> pool, boolean pairs) throws InterruptedException {
        long seed = requestSeed(label, request);
        Random random = new Random(seed);
        List<TextExample> shuffled = new ArrayList<>(pool);
        java.util.Collections.shuffle(shuffled, random);
        List<TextExample> shown = shuffled.subList(0, Math.min(settings.fewShot(), shuffled.size()));
        List<String> lines = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (TextExample e : shown) {
            Object value = pairs ? Map.of("text", e.text(), "text_pair", e.textPair() == null ? "" : e.textPair()) : e.text();
            try {
                lines.add(JSON.writeValueAsString(value));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            sources.add(e.source().file() == null ? e.source().toString() : e.source().file().getFileName() + ":" + e.source().line());
        }
        String user = template.render(label, settings.descriptions().get(label), lines, settings.perRequest(), pairs);
        ChatEndpoint.Reply reply = endpoint.complete(template.system(), user, settings.temperature(), seed);
        return new Result(label, request, seed, sources, reply);
    }

    /** Each request's seed: the run's seed, the label and the request number, so a rerun asks the same. */
    private long requestSeed(String label, int request) {
        long h = settings.seed() * 0x9E3779B97F4A7C15L + label.hashCode();
        h = h * 0xBF58476D1CE4E5B9L + request;
        return (h ^ (h >>> 31)) & 0x7FFFFFFFL;
    }

    private void keep(Result r, boolean pairs, NearDuplicates seen, AugmentReport.Counts c, SyntheticFile out) {
        List<Candidate> candidates;
        try {
            candidates = Candidate.parse(r.reply.content(), pairs);
        } catch (IllegalArgumentException malformed) {
            c.malformedReplies++;
            return;
        }
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (Candidate candidate : candidates) {
            c.candidates++;
            int target = settings.targets().get(r.label);
            if (c.alreadyWritten + c.accepted >= target) {
                c.beyondTarget++;
                continue;
            }
            if (outOfBounds(candidate.text()) || (candidate.textPair() != null && outOfBounds(candidate.textPair()))) {
                c.wrongLength++;
                continue;
            }
            NearDuplicates.Match m = seen.check(key(candidate.text(), candidate.textPair()));
            if (m.found()) {
                if (m.source().startsWith("eval:")) c.evaluationLeaks++;
                else if (m.source().equals("train")) c.trainingDuplicates++;
                else c.generatedDuplicates++;
                continue;
            }
            if (check != null && check.probability(candidate, r.label) < settings.minConfidence()) {
                c.offLabel++;
                continue;
            }
            seen.add(key(candidate.text(), candidate.textPair()), "generated");
            try {
                out.append(new SyntheticFile.Row(candidate, r.label, new SyntheticFile.Provenance(endpoint.model(), endpoint.host(),
                        template.id(), template.hash(), settings.temperature(), r.seed, r.request, r.shown, created)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out.file() + ": " + e.getMessage(), e);
            }
            c.accepted++;
        }
    }

    private boolean outOfBounds(String text) {
        return text.length() < settings.minLength() || text.length() > settings.maxLength();
    }

    private static String key(String text, String pair) {
        return pair == null ? text : text + " \u241E " + pair;
    }

    private static Result take(ExecutorCompletionService<Result> done) throws InterruptedException {
        Future<Result> f = done.take();
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The real examples of each label: a single-label example under its class, a multi-label one under each of its classes. */
    static Map<String, List<TextExample>> byLabel(Dataset<TextExample> train) {
        LabelSet labels = train.labels();
        if (labels == null) throw new IllegalArgumentException(train.file() + " has no classes to grow (regression data cannot be augmented by label)");
        Map<String, List<TextExample>> out = new LinkedHashMap<>();
        for (TextExample e : train.examples()) {
            if (e.label() instanceof Label.ClassIndex ci) {
                out.computeIfAbsent(labels.name(ci.index()), k -> new ArrayList<>()).add(e);
            } else if (e.label() instanceof Label.ClassSet cs) {
                for (int i : cs.indices()) out.computeIfAbsent(labels.name(i), k -> new ArrayList<>()).add(e);
            }
        }
        return out;
    }

    /**
     * How many examples each label has in the real data.
     *
     * @param train the real training data
     * @return the example count of each label
     */
    public static Map<String, Integer> labelCounts(Dataset<TextExample> train) {
        Map<String, Integer> out = new LinkedHashMap<>();
        byLabel(train).forEach((label, examples) -> out.put(label, examples.size()));
        return out;
    }
}
