package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A reader's bad rows: each one stops the read, or is recorded and left out, as the policy says. */
final class BadRows {

    private final Path file;
    private final BadRowPolicy policy;
    private final List<SkippedRow> skipped = new ArrayList<>();

    BadRows(Path file, BadRowPolicy policy) {
        this.file = file;
        this.policy = policy;
    }

    /** @throws ModelFileException under {@link BadRowPolicy#FAIL}, as "line N: reason" */
    void report(long line, String reason) {
        if (policy == BadRowPolicy.FAIL) {
            throw new ModelFileException(file, "line " + line + ": " + reason);
        }
        skipped.add(new SkippedRow(new SourceLine(file, line), reason));
    }

    List<SkippedRow> skipped() {
        return skipped;
    }

    /** The error for a read that found nothing usable, saying whether rows were skipped. */
    ModelFileException noExamples(String rowsAre) {
        if (skipped.isEmpty()) {
            return new ModelFileException(file, "no examples: the file holds no " + rowsAre);
        }
        return new ModelFileException(file, "no examples: all " + skipped.size() + " rows were bad and skipped; the first, "
                + skipped.get(0));
    }
}
