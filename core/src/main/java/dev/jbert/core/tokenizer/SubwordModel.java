package dev.jbert.core.tokenizer;

import java.util.List;

/**
 * The model stage of a {@code tokenizer.json}: one pre-tokenized word to its tokens (WordPiece, BPE or Unigram), and
 * the vocabulary behind the ids.
 */
interface SubwordModel {

    /** The tokens of one word, with their spans in the original text. */
    List<Token> tokenize(PreToken word);

    /** The id of {@code token}, or -1. */
    int idOf(String token);

    /** The token of {@code id}, or null. */
    String tokenOf(int id);

    /** One more than the largest id. */
    int size();
}
