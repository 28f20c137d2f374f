package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.FakeChatServer;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert augment} on the bundled imbalanced SMS sample, against an in-process chat-completions server. */
class AugmentCommandTest {

    @TempDir
    Path dir;
    FakeChatServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeChatServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int code, String out, String err) {
    }

    private Run augment(String... extra) {
        Path samples = Fixtures.repositoryRoot().resolve("samples/sms_spam");
        List<String> args = new ArrayList<>(List.of("augment", "--train", samples.resolve("train.tsv").toString(),
                "--validation", samples.resolve("dev.tsv").toString(), "--endpoint", server.uri().toString(), "--model", "test-llm",
                "--backoff", "0.01"));
        args.addAll(List.of(extra));
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args.toArray(String[]::new)), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void growsTheMinorityLabelIntoATaggedFileAndAReport() throws IOException {
        Path output = dir.resolve("synthetic.tsv");
        Run r = augment("--output", output.toString(), "--target-count", "60");
        assertEquals(0, r.code, r.err);
        List<String> lines = Files.readAllLines(output);
        long realSpam = Files.readAllLines(Fixtures.repositoryRoot().resolve("samples/sms_spam/train.tsv")).stream()
                .filter(l -> l.startsWith("spam\t")).count();
        assertEquals(60 - realSpam + 1, lines.size(), "the header and the examples that bring spam to 60");
        assertTrue(lines.get(0).startsWith("label\ttext\tsynthetic\tgenerator"), "the training file's columns first: " + lines.get(0));
        assertTrue(lines.stream().skip(1).allMatch(l -> l.startsWith("spam\t")));
        JsonNode report = new ObjectMapper().readTree(dir.resolve("synthetic.tsv.report.json").toFile());
        assertEquals(60 - realSpam, report.path("labels").path("spam").path("accepted").asInt());
        assertEquals("test-llm", report.path("generator").asText());
        assertTrue(r.out.contains("examples written to"), r.out);

        Run again = augment("--output", output.toString(), "--target-count", "60");
        assertEquals(0, again.code, again.err);
        assertEquals(lines, Files.readAllLines(output), "a rerun with the target met adds nothing");
    }

    @Test
    void autoPicksLabelsBelowTheRatio() throws IOException {
        Path output = dir.resolve("s.jsonl");
        assertEquals(2, augment("--output", output.toString()).code, "a jsonl output for a tsv training file is refused");
        Run r = augment("--output", dir.resolve("s.tsv").toString(), "--target-ratio", "0.2", "--max-requests", "1");
        assertEquals(0, r.code, r.err);
        assertTrue(Files.readAllLines(dir.resolve("s.tsv")).stream().skip(1).allMatch(l -> l.startsWith("spam\t")));
    }

    @Test
    void badInputGetsOneLine() {
        String out = dir.resolve("s.tsv").toString();
        Run token = augment("--output", out, "--task", "token");
        assertEquals(2, token.code);
        assertTrue(token.err.contains("token classification"), token.err);
        Run label = augment("--output", out, "--minority", "phishing");
        assertEquals(2, label.code);
        assertTrue(label.err.contains("'phishing' is not a label"), label.err);
        assertEquals(2, augment("--output", out, "--target-ratio", "1.5").code);
        Run key = augment("--output", out, "--api-key-env", "JBERT_TEST_SURELY_UNSET_KEY");
        assertEquals(2, key.code);
        assertTrue(key.err.contains("JBERT_TEST_SURELY_UNSET_KEY"), key.err);
        server.then(FakeChatServer.Step.status(401, null));
        Run refused = augment("--output", out, "--target-count", "40");
        assertEquals(1, refused.code);
        assertTrue(refused.err.contains("HTTP 401") && !refused.err.contains("\tat "), refused.err);
    }
}
