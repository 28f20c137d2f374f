package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one {@code jbert augment} run did, per label: requests, what the filters dropped and why, what was kept.
 * Holds the run's mutable tallies as they are, not copies: complete once the run returns; treat it as read-only then.
 *
 * @param targets per label, the generated examples the output should hold
 * @param counts  per label, this run's tallies
 */
public record AugmentReport(String generator, String endpointHost, String templateId, String templateHash,
                            Map<String, Integer> targets, Map<String, Counts> counts) {

    /** One label's tallies. Filled by the run's thread, read after it. */
    public static final class Counts {
        /** Rows an earlier run had written, counted towards the target. */
        public int alreadyWritten;
        /** Requests made in this run, each counted once whatever its retries. */
        public int requests;
        /** Requests that got no reply even after their retries. */
        public int failedRequests;
        /** Replies without a usable JSON list of examples. */
        public int malformedReplies;
        /** Examples the replies held, before the filters. */
        public int candidates;
        /** Candidates shorter or longer than the real data's bounds. */
        public int wrongLength;
        /** Exact or near duplicates of a training text. */
        public int trainingDuplicates;
        /** Exact or near duplicates of a validation or test text: they would have leaked evaluation data into training. */
        public int evaluationLeaks;
        /** Exact or near duplicates of an example generated before. */
        public int generatedDuplicates;
        /** Candidates the filter model did not give the label with enough confidence. */
        public int offLabel;
        /** Candidates left over once the label reached its target. */
        public int beyondTarget;
        /** Candidates written to the output. */
        public int accepted;
    }

    /**
     * Accepted in this run, over every label.
     *
     * @return the accepted candidates
     */
    public int accepted() {
        return counts.values().stream().mapToInt(c -> c.accepted).sum();
    }

    /**
     * One line per label, for the terminal.
     *
     * @return a table with a header line
     */
    public String summary() {
        StringBuilder s = new StringBuilder(String.format("%-16s %7s %6s %8s %9s %6s %7s %6s %6s %9s %8s%n", "label", "target", "have",
                "requests", "malformed", "length", "dup-trn", "leaks", "dup-gen", "off-label", "accepted"));
        counts.forEach((label, c) -> s.append(String.format("%-16s %7d %6d %8d %9d %6d %7d %6d %6d %9d %8d%n", label, targets.get(label),
                c.alreadyWritten + c.accepted, c.requests, c.malformedReplies, c.wrongLength, c.trainingDuplicates, c.evaluationLeaks,
                c.generatedDuplicates, c.offLabel, c.accepted)));
        return s.toString();
    }

    /**
     * Writes the report as JSON.
     *
     * @param file the file, replaced if it exists
     * @throws IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("generator", generator);
        root.put("endpoint_host", endpointHost);
        root.put("prompt_template", templateId);
        root.put("prompt_hash", templateHash);
        ObjectNode labels = root.putObject("labels");
        counts.forEach((label, c) -> {
            ObjectNode o = labels.putObject(label);
            o.put("target", targets.get(label));
            o.put("written_before", c.alreadyWritten);
            o.put("requests", c.requests);
            o.put("failed_requests", c.failedRequests);
            o.put("malformed_replies", c.malformedReplies);
            o.put("candidates", c.candidates);
            o.put("dropped_length", c.wrongLength);
            o.put("dropped_training_duplicates", c.trainingDuplicates);
            o.put("dropped_evaluation_leaks", c.evaluationLeaks);
            o.put("dropped_generated_duplicates", c.generatedDuplicates);
            o.put("dropped_off_label", c.offLabel);
            o.put("beyond_target", c.beyondTarget);
            o.put("accepted", c.accepted);
        });
        json.writeValue(file.toFile(), root);
    }
}
