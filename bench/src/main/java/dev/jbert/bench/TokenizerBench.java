package dev.jbert.bench;

import dev.jbert.core.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Tokenizer time on the inputs that used to be quadratic (issue 26) and on ordinary sentences: one byte-level BPE word
 * of 20,000 to 100,000 random letters, a letter followed by 10,000 pairs of combining marks (NFD and their canonical
 * reordering), and the sentences of a TSV file's first column through both: the best of three runs after two warm-ups. BPE caches
 * the words it has seen, so each of its runs draws a new word.
 *
 * <p>Usage: {@code TokenizerBench BPE_TOKENIZER_DIR WORDPIECE_TOKENIZER_DIR SENTENCES_TSV}. {@code bench/tokenizer_peer.py}
 * times the same inputs with Hugging Face tokenizers for the peer column.
 */
public final class TokenizerBench {

    private TokenizerBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TokenizerBench BPE_TOKENIZER_DIR WORDPIECE_TOKENIZER_DIR SENTENCES_TSV");
            System.exit(2);
        }
        Tokenizer bpe = Tokenizer.fromDirectory(Path.of(args[0]));
        Tokenizer wordPiece = Tokenizer.fromDirectory(Path.of(args[1]));
        Random random = new Random(26);
        for (int letters : new int[] {20_000, 40_000, 100_000}) {
            report("byte-level BPE, one word of " + letters + " letters", () -> bpe.encode(word(random, letters)).length());
        }
        String marks = "a" + "\u0301\u0323".repeat(10_000);
        report("WordPiece, a letter and 10,000 pairs of combining marks", () -> wordPiece.encode(marks).length());
        List<String> sentences = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) sentences.add(line.split("\t", 2)[0]);
        for (Tokenizer t : List.of(wordPiece, bpe)) {
            report((t == bpe ? "byte-level BPE, " : "WordPiece, ") + sentences.size() + " sentences", () -> {
                int n = 0;
                for (String s : sentences) n += t.encode(s).length();
                return n;
            });
        }
    }

    private interface Work {
        int run();
    }

    private static String word(Random random, int letters) {
        StringBuilder word = new StringBuilder(letters);
        for (int i = 0; i < letters; i++) word.append((char) ('a' + random.nextInt(26)));
        return word.toString();
    }

    private static void report(String what, Work work) {
        work.run();
        work.run();
        double best = Double.MAX_VALUE;
        int tokens = 0;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            tokens = work.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        System.out.printf("%-60s %9.4f s  (%d tokens)%n", what, best, tokens);
    }
}
