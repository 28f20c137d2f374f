package dev.jbert.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Main;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jbert serve} as its own process under a minute of load from more clients than its queue holds, through
 * {@code jbert bench serve-load}: every reply is 200, or 503 with Retry-After; no request fails at the connection;
 * the server's resident memory stays flat after the warm-up; SIGTERM stops it. Figures go to the bench record,
 * never into an assertion here.
 */
class ServerLoadTest {

    /** Growth allowed over the measured minute: allocator and JIT noise, far below what a per-request leak adds. */
    private static final double FLAT_FRACTION = 0.05;

    @Test
    void overCapacityAnswersOnly503WithRetryAfterAndMemoryStaysFlat(@TempDir Path out) throws Exception {
        int code = Main.run("bench", "serve-load", "--model", Fixtures.folder("seq-cls").toString(),
                "--texts", Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv").toString(),
                "--clients", "48", "--seconds", "60", "--warmup-s", "20", "--queue-capacity", "8", "--max-batch-size", "8",
                "--output", out.toString());
        assertEquals(0, code);
        JsonNode result = new ObjectMapper().readTree(out.resolve("serve-load.json").toFile());

        JsonNode statuses = result.get("statuses");
        for (Iterator<String> it = statuses.fieldNames(); it.hasNext(); ) {
            String status = it.next();
            assertTrue(Set.of("200", "503").contains(status), "status " + status + " seen " + statuses.get(status) + " times: " + result);
        }
        assertTrue(statuses.path("200").asLong() > 0, "nothing was answered: " + result);
        assertTrue(statuses.path("503").asLong() > 0, "48 clients never filled a queue of 8, so capacity went untested: " + result);
        assertEquals(0, result.get("missingRetryAfter").asLong(), "503s without Retry-After");
        assertEquals(0, result.get("failures").asLong(), "requests without a reply: " + result.get("firstFailure"));

        JsonNode rss = result.get("rss");
        double start = rss.get(0).asDouble();
        double growth = result.get("rss_growth_mb").asDouble();
        assertTrue(growth <= FLAT_FRACTION * start, "resident memory grew " + growth + " MB from " + start + " MB under load: " + rss);

        assertTrue(result.get("sigterm_stop_ms").asLong() < 30_000, "SIGTERM took " + result.get("sigterm_stop_ms") + " ms");
        assertEquals(143, result.get("exit_code").asInt(), "exit after SIGTERM (128 + 15), not a forced kill");
    }
}
