package dev.jbert.cli;

import dev.jbert.core.data.EncodedDataset;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.SubwordLabels;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextReader;
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
            return EncodedDataset.readTokens(file, labels != null ? o.withLabels(labels) : o, tokenizer, enc, subwords);
        }
        var o = options.text(task, true);
        return EncodedDataset.readText(file, labels != null ? o.withLabels(labels) : o, tokenizer, enc);
    }

    /** The texts of a file for prediction (a label column, if any, is ignored). */
    static List<TextExample> unlabelled(Path file, Task task, DataOptions options) {
        return TextReader.read(file, options.text(task, false)).examples();
    }

}
