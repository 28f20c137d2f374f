package dev.jbert.bert.checkpoint;

import java.util.Optional;

/**
 * The one place where a checkpoint's tensor names become the names our graph uses: transformers'
 * keys for a model with a head ({@code bert.encoder.layer.0...}, {@code classifier.weight}).
 * A bare {@code BertModel} checkpoint has no {@code bert.} prefix; TensorFlow-era checkpoints call
 * LayerNorm parameters {@code gamma} and {@code beta}.
 */
public final class CheckpointKeys {

    /** Encoder parameters live under this prefix. */
    public static final String ENCODER_PREFIX = "bert.";

    private CheckpointKeys() {
    }

    /**
     * The canonical name of a checkpoint key, or empty for keys we deliberately skip:
     * {@code cls.*} (pre-training heads, unused for classification) and
     * {@code embeddings.position_ids} (a constant buffer 0..max-1, recomputed in the graph).
     */
    public static Optional<String> canonical(String key) {
        String k = key;
        if (k.startsWith("embeddings.") || k.startsWith("encoder.") || k.startsWith("pooler.")) {
            k = ENCODER_PREFIX + k;
        }
        if (k.endsWith(".gamma")) k = k.substring(0, k.length() - ".gamma".length()) + ".weight";
        else if (k.endsWith(".beta")) k = k.substring(0, k.length() - ".beta".length()) + ".bias";
        if (k.startsWith("cls.") || k.equals("bert.embeddings.position_ids")) return Optional.empty();
        return Optional.of(k);
    }

    /** Why {@link #canonical} skipped a key, for the debug log. */
    public static String reasonIgnored(String key) {
        return key.startsWith("cls.")
                ? "pre-training head, not used for classification"
                : "constant position ids buffer, recomputed in the graph";
    }
}
