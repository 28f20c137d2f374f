/**
 * Data for training, evaluation and prediction: reading files, labels, encoding into batches.
 *
 * <ol>
 *   <li>Read: {@link dev.jbert.core.data.TextReader} (CSV with RFC 4180 quoting, GLUE-style TSV with no
 *       quoting, JSONL) gives {@link dev.jbert.core.data.TextExample}s; {@link dev.jbert.core.data.TokenReader}
 *       (CoNLL, JSONL word lists) gives {@link dev.jbert.core.data.TokenExample}s. Both return a
 *       {@link dev.jbert.core.data.Dataset}: the examples, the {@link dev.jbert.core.data.LabelSet} (inferred
 *       and sorted from a training file, or given) and the rows skipped under
 *       {@link dev.jbert.core.data.BadRowPolicy#SKIP}. Every problem is a
 *       {@link dev.jbert.core.ModelFileException} naming the file, and the line for a row.</li>
 *   <li>Encode: {@link dev.jbert.core.data.EncodedDataset} tokenizes once and keeps each example's
 *       {@link dev.jbert.core.tokenizer.Encoding}; it cuts ordered {@link dev.jbert.core.data.Batch}es for
 *       evaluation and prediction, padded per batch, with labels in the task's layout.</li>
 *   <li>Train: {@link dev.jbert.core.data.EpochBatches} is the {@link dev.jbert.core.train.TrainingData} the
 *       trainer consumes: a seeded shuffle (or over/under-sampling) per epoch, and a fingerprint that
 *       refuses a resume on other data or settings.</li>
 * </ol>
 */
package dev.jbert.core.data;
