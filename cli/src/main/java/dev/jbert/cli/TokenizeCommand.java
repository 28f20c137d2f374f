package dev.jbert.cli;

import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.tokenizer.Encoding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Shows how a text is tokenized: the first thing to check when predictions look wrong. */
@Command(name = "tokenize", description = "Show tokens, ids, word ids and character offsets of a text (or a pair).")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Model folder (Hugging Face layout), a .onnx file, or omit for the built-in all-MiniLM-L6-v2.")
    String model;

    @Parameters(index = "0", description = "The text.")
    String text;

    @Parameters(index = "1", arity = "0..1", description = "A second text, for sentence pairs.")
    String pair;

    @Override
    public Integer call() {
        Tokenizer tokenizer = Tokenizer.fromDirectory(Models.folder(model));
        Encoding e = pair == null ? tokenizer.encode(text) : tokenizer.encode(text, pair);
        System.out.printf("%-5s %-20s %8s %5s %5s %-12s %s%n", "pos", "token", "id", "type", "word", "offsets", "text");
        for (int i = 0; i < e.length(); i++) {
            var o = e.offsets().get(i);
            int seq = e.sequenceIds()[i];
            String source = seq < 0 ? "" : (seq == 0 ? text : pair).substring(o.start(), o.end());
            System.out.printf("%-5d %-20s %8d %5d %5s %-12s %s%n", i, e.tokens().get(i), e.inputIds()[i], e.tokenTypeIds()[i],
                    e.wordIds()[i] < 0 ? "-" : String.valueOf(e.wordIds()[i]), "(" + o.start() + ", " + o.end() + ")", source);
        }
        return 0;
    }
}
