package dev.jbert.cli;

import dev.jbert.core.data.Dataset;
import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextReader;
import dev.jbert.core.data.TokenReader;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.EncodeOptions;

import dev.jbert.core.data.TextExample;

import java.nio.file.Path;
import java.util.List;

/** Reads and encodes a data file for a task. */
final class Datasets {

    private Datasets() {
    }

    /** A labelled file, with its label set (given, inferred, or the training file's when {@code labels} is not null). */
    static EncodedDataset labelled(Path file, Task task, DataOptions options, LabelSet labels, Tokenizer tokenizer,
                                   SubwordLabels subwords) {
        EncodeOptions enc = EncodeOptions.dynamicPadding(options.maxSeqLength);
        if (task == Task.TOKEN_CLASSIFICATION) {
            var o = options.tokens();
            if (labels != null) o = o.withLabels(labels);
            Dataset<dev.jbert.core.data.TokenExample> d = TokenReader.read(file, o);
            return EncodedDataset.ofTokens(d.examples(), d.labels(), tokenizer, enc, subwords);
        }
        var o = options.text(task, true);
        if (labels != null) o = o.withLabels(labels);
        Dataset<dev.jbert.core.data.TextExample> d = TextReader.read(file, o);
        return EncodedDataset.ofText(d.examples(), task, d.labels(), tokenizer, enc);
    }

    /** The texts of a file for prediction (a label column, if any, is ignored). */
    static List<TextExample> unlabelled(Path file, Task task, DataOptions options) {
        return TextReader.read(file, options.text(task, false)).examples();
    }

}
