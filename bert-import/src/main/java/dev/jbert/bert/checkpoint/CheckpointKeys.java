package dev.jbert.bert.checkpoint;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where a checkpoint's tensor names become the names the graph uses, for one family: transformers' keys for a model
 * with a head ({@code roberta.encoder.layer.0...}, {@code classifier.weight}). A bare base-model checkpoint has no
 * family prefix before its roots ({@code embeddings.}, {@code encoder.}, ...); TensorFlow-era checkpoints call
 * LayerNorm parameters {@code gamma} and {@code beta}. Pre-training heads and constant buffers are skipped.
 *
 * <p>Immutable, and safe to share between threads, as long as {@code roots} (kept, not copied) is not modified
 * and {@code pretrainingHeads} has no state.
 *
 * @param prefix           the base model's prefix, {@code bert}
 * @param roots            the first segments of a bare base model's keys
 * @param pretrainingHeads true for keys of pre-training heads, which classification leaves unused
 */
public record CheckpointKeys(String prefix, List<String> roots, Predicate<String> pretrainingHeads) {

    /** BERT's keys, with {@code cls.*} (the pre-training heads) skipped. */
    public static final CheckpointKeys BERT = new CheckpointKeys("bert", List.of("embeddings.", "encoder.", "pooler."), k -> k.startsWith("cls."));

    /**
     * The canonical name of a checkpoint key, or empty for keys deliberately skipped: pre-training heads, and the
     * constant {@code position_ids} / {@code token_type_ids} buffers older checkpoints store (recomputed in the graph).
     *
     * @param key the name the file gives a tensor
     * @return the key with the family prefix added to a bare base model's key and {@code gamma}/{@code beta} renamed
     *         {@code weight}/{@code bias}; empty when skipped
     */
    public Optional<String> canonical(String key) {
        String k = key;
        for (String root : roots) {
            if (k.startsWith(root)) {
                k = prefix + "." + k;
                break;
            }
        }
        if (k.endsWith(".gamma")) k = k.substring(0, k.length() - ".gamma".length()) + ".weight";
        else if (k.endsWith(".beta")) k = k.substring(0, k.length() - ".beta".length()) + ".bias";
        if (pretrainingHeads.test(k) || isBuffer(k)) return Optional.empty();
        return Optional.of(k);
    }

    /**
     * Why {@link #canonical} skipped a key, for the debug log.
     *
     * @param key a key {@link #canonical} returned empty for
     * @return a constant buffer or a pre-training head, in words
     */
    public String reasonIgnored(String key) {
        return isBuffer(key) ? "constant buffer, recomputed in the graph" : "pre-training head, not used for classification";
    }

    private static boolean isBuffer(String key) {
        return key.endsWith("embeddings.position_ids") || key.endsWith("embeddings.token_type_ids");
    }
}
