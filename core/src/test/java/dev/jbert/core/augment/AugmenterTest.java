package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.DatasetFormat;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextExample;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TextReader;
import dev.jbert.testdata.FakeChatServer;
import dev.jbert.testdata.FakeChatServer.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Augmenter} against an in-process chat-completions server: every reply path, the filters, provenance, resuming. */
class AugmenterTest {

    private static final String SPAM = "WINNER!! You have been selected to receive a cash prize, call 09061701461 now";
    private static final String HELD_OUT = "URGENT your mobile number has won a 2000 bonus caller prize, call 09058094455";

    @TempDir
    Path dir;
    FakeChatServer server;
    Dataset<TextExample> train;
    Dataset<TextExample> validation;

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeChatServer();
        train = TextReader.read(write("train.tsv", "text\tlabel",
                "see you at lunch tomorrow then\tham", "ok lar joking wif u oni\tham", "i will call you later tonight\tham",
                "did you get the book i left\tham", SPAM + "\tspam", "Free entry in 2 a weekly comp to win FA Cup final tkts, text FA to 87121\tspam"),
                TextReadOptions.forTask(Task.SINGLE_LABEL));
        validation = TextReader.read(write("dev.tsv", "text\tlabel", HELD_OUT + "\tspam", "what time is the movie\tham"),
                TextReadOptions.forPrediction(Task.SINGLE_LABEL));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    private ChatEndpoint endpoint(int retries, Duration readTimeout, String key) {
        return new ChatEndpoint(server.uri(), "test-llm", key, Duration.ofSeconds(5), readTimeout, retries, Duration.ofMillis(10));
    }

    private Augmenter.Settings settings(int target, int perRequest, int maxRequests) {
        return new Augmenter.Settings(Map.of("spam", target), perRequest, 2, 0.9, 42, 1, maxRequests, 0.8, 5, 200, Map.of("spam", "unsolicited ads"), 0.5);
    }

    private SyntheticFile output(String name) {
        Path out = dir.resolve(name);
        TextReadOptions options = TextReadOptions.forTask(Task.SINGLE_LABEL);
        return new SyntheticFile(out, DatasetFormat.of(out), SyntheticFile.columnsOf(train.file(), DatasetFormat.TSV, options, false));
    }

    private AugmentReport run(Augmenter.Settings s, SyntheticFile out, Augmenter.LabelCheck check, ChatEndpoint e) throws Exception {
        try (out) {
            return new Augmenter(e, PromptTemplate.builtIn(), s, check).run(train, List.of(validation), out, null);
        }
    }

    @Test
    void writesTaggedExamplesInTheTrainingFilesFormatUpToTheTarget() throws Exception {
        AugmentReport r = run(settings(25, 10, 10), output("synthetic.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        List<String> lines = Files.readAllLines(dir.resolve("synthetic.tsv"));
        List<String> header = List.of(lines.get(0).split("\t"));
        assertEquals("text", header.get(0));
        assertEquals("label", header.get(1));
        assertEquals(SyntheticFile.PROVENANCE, header.subList(2, header.size()));
        assertEquals(26, lines.size(), "the header and 25 rows");
        String[] first = lines.get(1).split("\t", -1);
        assertEquals("spam", first[1]);
        assertEquals("true", first[header.indexOf("synthetic")]);
        assertEquals("test-llm", first[header.indexOf("generator")]);
        assertEquals(server.uri().getHost() + ":" + server.uri().getPort(), first[header.indexOf("endpoint_host")]);
        assertEquals("builtin:default-prompt.txt", first[header.indexOf("prompt_template")]);
        assertEquals(PromptTemplate.builtIn().hash(), first[header.indexOf("prompt_hash")]);
        assertEquals("0.9", first[header.indexOf("temperature")]);
        assertTrue(first[header.indexOf("shown_examples")].matches("train\\.tsv:\\d+(;train\\.tsv:\\d+)*"), first[header.indexOf("shown_examples")]);
        assertFalse(first[header.indexOf("created")].isBlank());
        assertEquals(3, r.counts().get("spam").requests);
        assertEquals(25, r.counts().get("spam").accepted);
        assertEquals(5, r.counts().get("spam").beyondTarget);
        // the synthetic file reads back with the training file's options
        Dataset<TextExample> back = TextReader.read(dir.resolve("synthetic.tsv"), TextReadOptions.forTask(Task.SINGLE_LABEL).withLabels(train.labels()));
        assertEquals(25, back.size());
        JsonNode request = server.requests().get(0);
        assertEquals("test-llm", request.path("model").asText());
        String prompt = request.path("messages").path(1).path("content").asText();
        assertTrue(prompt.contains("\"spam\"") && prompt.contains("unsolicited ads"), prompt);
        assertTrue(prompt.contains(SPAM) || prompt.contains("FA Cup"), "the few-shot examples are the label's real ones");
        assertFalse(prompt.contains("see you at lunch"), "no example of another label is shown");
    }

    @Test
    void malformedRepliesAreCountedAndDropped() throws Exception {
        server.then(Step.content("Sure! Here are some examples: none"), Step.raw("{\"choices\": []}"), Step.raw("not json at all"),
                Step.raw("{\"choices\": [{\"message\": {\"role\": \"assistant\"}}]}"), Step.content("[1, 2, {\"x\": 3}]"));
        AugmentReport r = run(settings(5, 5, 10), output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        AugmentReport.Counts c = r.counts().get("spam");
        assertEquals(2, c.malformedReplies, "no JSON list; a list of nothing usable");
        assertEquals(3, c.failedRequests, "no choices, not JSON, no content");
        assertEquals(5, c.accepted, "the run goes on to the target");
    }

    @Test
    void retriesOn429AndServerErrorsAndTimeoutsAndDroppedConnections() throws Exception {
        server.then(Step.status(429, "0"), Step.status(500, null), Step.status(503, null), Step.dropped(),
                Step.slow(1500, List.of("late reply that the client gave up waiting for 1", "late reply 2")));
        AugmentReport r = run(settings(5, 5, 10), output("s.tsv"), null, endpoint(5, Duration.ofMillis(700), null));
        assertEquals(0, r.counts().get("spam").failedRequests);
        assertEquals(1, r.counts().get("spam").requests, "one request, five retries");
        assertEquals(6, server.requests().size());
        assertEquals(5, r.counts().get("spam").accepted);
    }

    @Test
    void honoursRetryAfter() throws Exception {
        server.then(Step.status(429, "1"));
        long start = System.nanoTime();
        run(settings(5, 5, 10), output("s.tsv"), null, endpoint(1, Duration.ofSeconds(5), null));
        assertTrue(System.nanoTime() - start >= 900_000_000L, "waited the second Retry-After asked, not the 10 ms backoff");
    }

    @Test
    void aRefusedRequestStopsTheRunWithTheReason() {
        server.then(Step.status(401, null));
        ChatEndpoint.EndpointException e = assertThrows(ChatEndpoint.EndpointException.class,
                () -> run(settings(5, 5, 10), output("s.tsv"), null, endpoint(3, Duration.ofSeconds(5), null)));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("API key"), e.getMessage());
    }

    @Test
    void anUnreachableServerStopsAfterFiveFailuresInARowKeepingWhatWasWritten() throws Exception {
        server.then(Step.content(FakeChatServer.list(List.of("claim your free ringtone voucher now text stop to end", "urgent award waiting"))));
        for (int i = 0; i < 10; i++) server.then(Step.status(500, null));
        ChatEndpoint.EndpointException e = assertThrows(ChatEndpoint.EndpointException.class,
                () -> run(settings(20, 2, 20), output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null)));
        assertTrue(e.getMessage().contains("5 requests in a row") && e.getMessage().contains("run the same command again"), e.getMessage());
        assertEquals(3, Files.readAllLines(dir.resolve("s.tsv")).size(), "the header and the two accepted rows stay");
    }

    @Test
    void duplicatesNearDuplicatesAndEvaluationLeaksAreDroppedAndCounted() throws Exception {
        String nearLeak = HELD_OUT.replace("2000", "2,000").toLowerCase();
        String nearTrain = SPAM.replace("now", "today!");
        String fresh = "claim the holiday voucher in your account before the weekly draw closes";
        server.then(Step.content(FakeChatServer.list(List.of(SPAM, nearTrain, nearLeak, fresh, fresh.toUpperCase(), "too short", "x".repeat(300)))));
        AugmentReport r = run(new Augmenter.Settings(Map.of("spam", 5), 7, 2, 0.9, 42, 1, 1, 0.8, 10, 200, Map.of(), 0.5),
                output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        AugmentReport.Counts c = r.counts().get("spam");
        assertEquals(2, c.trainingDuplicates, "an exact copy and a near copy of training texts");
        assertEquals(1, c.evaluationLeaks, "a near copy of a validation text never reaches training");
        assertEquals(1, c.accepted);
        assertEquals(1, c.generatedDuplicates, "the upper-case repeat of the accepted one");
        assertEquals(2, c.wrongLength, "shorter than 10 and longer than 200 characters");
        List<String> lines = Files.readAllLines(dir.resolve("s.tsv"));
        assertTrue(lines.get(1).startsWith(fresh), lines.get(1));
    }

    @Test
    void nearDuplicatesWithinOneReplyAreDropped() throws Exception {
        String one = "claim the holiday voucher in your account before the weekly draw closes tonight";
        server.then(Step.content(FakeChatServer.list(List.of(one, one.replace("tonight", "today"), one.toUpperCase() + "!!"))));
        AugmentReport r = run(new Augmenter.Settings(Map.of("spam", 3), 3, 2, 0.9, 42, 1, 1, 0.8, 5, 200, Map.of(), 0.5),
                output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        assertEquals(1, r.counts().get("spam").accepted);
        assertEquals(2, r.counts().get("spam").generatedDuplicates);
    }

    @Test
    void theFilterModelKeepsOnlyExamplesOfTheIntendedLabel() throws Exception {
        AugmentReport r = run(settings(10, 10, 1), output("s.tsv"), (candidate, label) -> candidate.text().contains("cash") ? 0.9 : 0.1,
                endpoint(0, Duration.ofSeconds(5), null));
        AugmentReport.Counts c = r.counts().get("spam");
        assertEquals(10, c.accepted + c.offLabel + c.generatedDuplicates);
        assertTrue(c.offLabel > 0);
        for (String line : Files.readAllLines(dir.resolve("s.tsv")).subList(1, c.accepted + 1)) assertTrue(line.contains("cash"), line);
    }

    @Test
    void aRerunContinuesAfterAKillWithoutDuplicates() throws Exception {
        run(settings(30, 10, 2), output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        Path file = dir.resolve("s.tsv");
        assertEquals(21, Files.readAllLines(file).size(), "two requests' worth before the cap");
        Files.writeString(file, "half a row cut by the kill\tsp", java.nio.file.StandardOpenOption.APPEND);
        AugmentReport r = run(settings(30, 10, 5), output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null));
        assertEquals(20, r.counts().get("spam").alreadyWritten);
        assertEquals(10, r.counts().get("spam").accepted);
        List<String> lines = Files.readAllLines(file);
        assertEquals(31, lines.size());
        Set<String> texts = new HashSet<>();
        Set<Integer> requests = new HashSet<>();
        List<String> header = List.of(lines.get(0).split("\t"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            assertTrue(texts.add(f[0]), "no duplicate: " + f[0]);
            requests.add(Integer.parseInt(f[header.indexOf("request")]));
        }
        assertEquals(Set.of(0, 1, 2), requests, "request numbers go on from the last run's");
    }

    @Test
    void theApiKeyGoesOnlyIntoTheAuthorizationHeader() throws Exception {
        ChatEndpoint e = endpoint(0, Duration.ofSeconds(5), "sk-secret-123");
        run(settings(5, 5, 1), output("s.jsonl"), null, e);
        assertEquals("Bearer sk-secret-123", server.authorizations().get(0));
        assertFalse(e.toString().contains("sk-secret"));
        assertFalse(Files.readString(dir.resolve("s.jsonl")).contains("sk-secret"));
        ChatEndpoint none = endpoint(0, Duration.ofSeconds(5), null);
        run(settings(10, 5, 1), output("s.jsonl"), null, none);
        assertNull(server.authorizations().get(1));
    }

    @Test
    void jsonlOutputCarriesProvenanceFields() throws Exception {
        run(settings(3, 3, 1), output("s.jsonl"), null, endpoint(0, Duration.ofSeconds(5), null));
        JsonNode row = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("s.jsonl")).get(0));
        assertEquals("spam", row.path("label").asText());
        assertTrue(row.path("synthetic").asBoolean());
        assertTrue(row.path("shown_examples").isArray());
        assertEquals(0, row.path("request").asInt());
    }

    @Test
    void pairsAreAskedForAndWrittenAsPairs() throws Exception {
        Dataset<TextExample> pairs = TextReader.read(write("pairs.tsv", "sentence1\tsentence2\tlabel",
                "a man is playing a guitar\ta person plays music\tentailment", "the cat sleeps\tthe dog barks\tnot_entailment",
                "the sun is hot today\tit is warm outside\tentailment"), TextReadOptions.forTask(Task.SINGLE_LABEL));
        server.then(Step.content("[{\"text\": \"a woman rides a red bicycle\", \"text_pair\": \"someone is cycling\"}, \"not an object\"]"));
        Path out = dir.resolve("p.tsv");
        SyntheticFile file = new SyntheticFile(out, DatasetFormat.TSV,
                SyntheticFile.columnsOf(pairs.file(), DatasetFormat.TSV, TextReadOptions.forTask(Task.SINGLE_LABEL), true));
        try (file) {
            new Augmenter(endpoint(0, Duration.ofSeconds(5), null), PromptTemplate.builtIn(),
                    new Augmenter.Settings(Map.of("entailment", 1), 2, 2, 0.9, 1, 1, 1, 0.8, 3, 200, Map.of(), 0.5), null)
                    .run(pairs, List.of(), file, null);
        }
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.get(0).startsWith("sentence1\tsentence2\tlabel\t"));
        assertTrue(lines.get(1).startsWith("a woman rides a red bicycle\tsomeone is cycling\tentailment\t"), lines.get(1));
        assertTrue(server.requests().get(0).path("messages").path(1).path("content").asText().contains("text_pair"));
    }

    @Test
    void badSettingsAndLabelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Settings(Map.of("spam", 1), 0, 2, 0.9, 1, 1, 1, 0.8, 1, 10, Map.of(), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Settings(Map.of("spam", 1), 1, 2, 3.0, 1, 1, 1, 0.8, 1, 10, Map.of(), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Settings(Map.of("spam", 1), 1, 2, 0.9, 1, 1, 1, 0.8, 20, 10, Map.of(), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new NearDuplicates(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(
                new Augmenter.Settings(Map.of("phishing", 3), 3, 2, 0.9, 1, 1, 1, 0.8, 1, 100, Map.of(), 0.5),
                output("s.tsv"), null, endpoint(0, Duration.ofSeconds(5), null)));
        assertTrue(e.getMessage().contains("phishing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChatEndpoint(java.net.URI.create("ftp://x"), "m", null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ZERO));
    }

    @Test
    void anOutputWithOtherColumnsIsNotOverwritten() throws Exception {
        Path out = write("other.tsv", "sentence\tlabel", "x\tspam");
        SyntheticFile file = output("other.tsv");
        assertThrows(dev.jbert.core.ModelFileException.class, file::existing);
        assertEquals(List.of("sentence\tlabel", "x\tspam"), Files.readAllLines(out));
    }

    @Test
    void theEndpointAcceptsBaseV1AndFullUrls() {
        for (String s : List.of("http://h:8080", "http://h:8080/", "http://h:8080/v1", "http://h:8080/v1/chat/completions")) {
            assertEquals("http://h:8080/v1/chat/completions", ChatEndpoint.completionsUri(java.net.URI.create(s)).toString(), s);
        }
    }

    @Test
    void aTemplateWithoutItsPlaceholdersIsRefused() throws IOException {
        Path t = write("t.txt", "Write some spam.");
        dev.jbert.core.ModelFileException e = assertThrows(dev.jbert.core.ModelFileException.class, () -> PromptTemplate.read(t));
        assertTrue(e.getMessage().contains("{{label}}"), e.getMessage());
        Path good = write("good.txt", "Examples of {{label}}:", "{{examples}}", "Reply with a JSON list of {{count}} {{reply_format}}.");
        assertEquals("good.txt", PromptTemplate.read(good).id());
        List<String> shown = new ArrayList<>(List.of("\"a\""));
        assertEquals("Examples of spam:\n\"a\"\nReply with a JSON list of 4 strings.\n", PromptTemplate.read(good).render("spam", null, shown, 4, false));
    }
}
