package dev.jbert.bert.onnx;

import dev.jbert.testdata.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * all-MiniLM-L6-v2 in Hugging Face layout, from {@code -Djbert.minilm.dir}, {@code JBERT_MINILM_DIR}
 * or {@code shared/data/all-MiniLM-L6-v2} beside the repository, as MiniLmParityTest finds it; and
 * the names its checkpoint must hold.
 */
final class SharedMiniLm {

    static final String SKIP_REASON = "all-MiniLM-L6-v2 in Hugging Face layout not found (shared/data/all-MiniLM-L6-v2 beside"
            + " the repository, -Djbert.minilm.dir or JBERT_MINILM_DIR): the comparison with its model.safetensors is skipped";

    private SharedMiniLm() {
    }

    /** The folder, when it is there with its model.safetensors. */
    static Optional<Path> folder() {
        Stream<String> candidates = Stream.of(System.getProperty("jbert.minilm.dir"), System.getenv("JBERT_MINILM_DIR"));
        Optional<Path> dir = candidates.filter(s -> s != null && !s.isBlank()).map(Path::of).findFirst();
        if (dir.isEmpty()) dir = Optional.of(Fixtures.repositoryRoot().getParent().resolve("shared/data/all-MiniLM-L6-v2"));
        return dir.filter(d -> Files.isRegularFile(d.resolve("model.safetensors")));
    }

    /** The 103 canonical names of all-MiniLM-L6-v2's tensors (6 layers, with the pooler). */
    static List<String> canonicalNames() {
        List<String> names = new ArrayList<>();
        for (String e : List.of("word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
                "LayerNorm.weight", "LayerNorm.bias")) {
            names.add("bert.embeddings." + e);
        }
        for (int i = 0; i < 6; i++) {
            for (String p : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")) {
                names.add("bert.encoder.layer." + i + "." + p + ".weight");
                names.add("bert.encoder.layer." + i + "." + p + ".bias");
            }
        }
        names.add("bert.pooler.dense.weight");
        names.add("bert.pooler.dense.bias");
        return names;
    }
}
