/**
 * BERT WordPiece tokenization that reproduces Hugging Face transformers' {@code Tokenizer} exactly.
 *
 * <p>{@link dev.jbert.core.tokenizer.Tokenizer} is the entry point. The pipeline mirrors the Rust
 * {@code tokenizers} library stage by stage: {@link dev.jbert.core.tokenizer.BasicTokenizer}
 * (added tokens, BertNormalizer, BertPreTokenizer), {@link dev.jbert.core.tokenizer.WordPieceTokenizer},
 * then truncation, the {@code [CLS] A [SEP] B [SEP]} template and padding into an
 * {@link dev.jbert.core.tokenizer.Encoding}.
 */
package dev.jbert.core.tokenizer;
