package dev.jbert.cli;

import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextReader;
import dev.jbert.core.data.TokenReader;
import dev.jbert.core.tokenizer.BertTokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jbert.core.data.TextExample;

import java.nio.file.Path;
import java.util.List;

/** Reads and encodes a data file for a task, reporting skipped rows. */
final class Datasets {

    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);

    private Datasets() {
    }

    /** A labelled file, with its label set (given, inferred, or the training file's when {@code labels} is not null). */
    static EncodedDataset labelled(Path file, Task task, DataOptions options, LabelSet labels, BertTokenizer tokenizer,
                                   SubwordLabels subwords) {
        EncodeOptions enc = EncodeOptions.dynamicPadding(options.maxSeqLength);
        if (task == Task.TOKEN_CLASSIFICATION) {
            var o = options.tokens();
            if (labels != null) o = o.withLabels(labels);
            Dataset<dev.jbert.core.data.TokenExample> d = report(TokenReader.read(file, o));
            return EncodedDataset.ofTokens(d.examples(), d.labels(), tokenizer, enc, subwords);
        }
        var o = options.text(task, true);
        if (labels != null) o = o.withLabels(labels);
        Dataset<dev.jbert.core.data.TextExample> d = report(TextReader.read(file, o));
        return EncodedDataset.ofText(d.examples(), task, d.labels(), tokenizer, enc);
    }

    /** The texts of a file for prediction (a label column, if any, is ignored). */
    static List<TextExample> unlabelled(Path file, Task task, DataOptions options) {
        return report(TextReader.read(file, options.text(task, false))).examples();
    }

    private static <E> Dataset<E> report(Dataset<E> d) {
        if (!d.skipped().isEmpty()) {
            LOG.warn("{}: skipped {} bad rows, the first: {}", d.file(), d.skipped().size(), d.skipped().get(0));
        }
        return d;
    }
}
