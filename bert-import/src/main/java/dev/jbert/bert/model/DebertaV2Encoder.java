package dev.jbert.bert.model;

import dev.jbert.bert.config.DebertaV2Settings;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * DebertaV2Encoder: the layers, and what they share, {@code rel_embeddings} ({@code [2·span, H]}, one row per
 * clamped relative position) and its optional {@code LayerNorm}, applied once per pass before the layers read it.
 */
final class DebertaV2Encoder implements EncoderStack {

    private final LayerStack layers;
    private final RelativeEmbeddings relative;

    DebertaV2Encoder(ModuleBuilder b, String prefix, DebertaV2Settings s) {
        this.relative = s.relativeAttention() ? new RelativeEmbeddings(b, prefix, s) : null;
        List<TransformerLayer> list = new ArrayList<>();
        for (int i = 0; i < b.config().numHiddenLayers(); i++) {
            String layer = prefix + ".layer." + i;
            list.add(new TransformerLayer(b, layer, LayerNames.DEBERTA_V2, new DisentangledSelfAttention(b, layer, s, relative)));
        }
        this.layers = new LayerStack(list);
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        if (relative != null) relative.forward(pass);
        return layers.forward(hidden, mask, pass);
    }

    @Override
    public INDArray backward(INDArray dOut, Pass pass) {
        if (relative != null) relative.startBackward(pass);
        INDArray d = layers.backward(dOut, pass);
        if (relative != null) relative.backward(pass);
        return d;
    }

    @Override
    public void release() {
        layers.release();
        if (relative != null) relative.release();
    }

    /** The relative embeddings every layer reads, normalised, and the gradient the layers add up for them. */
    static final class RelativeEmbeddings {
        private final String name;
        private final INDArray table;             // [2·span, H]
        private final LayerNorm norm;             // null when norm_rel_ebd has no layer_norm
        private final DebertaV2Settings settings;
        private final Slot gradient = new Slot();
        private INDArray normalised;
        private int[] index = new int[0];
        private int indexSeq = -1;
        private boolean trains;

        RelativeEmbeddings(ModuleBuilder b, String prefix, DebertaV2Settings s) {
            int h = b.config().hiddenSize();
            this.name = prefix + ".rel_embeddings.weight";
            this.table = b.param(name, 2L * s.span(), h);
            this.norm = s.normRelEmbeddings() ? b.layerNorm(prefix + ".LayerNorm", h) : null;
            this.settings = s;
        }

        void forward(Pass pass) {
            normalised = norm == null ? table : norm.forward(table, null, null, null, pass);
        }

        INDArray normalised() {
            return normalised;
        }

        /** Whether the table or its norm trains in this pass: otherwise the layers need not compute its gradient. */
        boolean trains() {
            return trains;
        }

        void startBackward(Pass pass) {
            trains = pass.gradient(name) != null || (norm != null && pass.trainsAny(name.replace(".rel_embeddings.weight", ".LayerNorm.")));
            if (trains) gradient.zeros(table.shape());
        }

        void addGradient(INDArray d) {
            gradient.get(table.shape()).addi(d);
        }

        void backward(Pass pass) {
            if (!trains) return;
            INDArray d = gradient.get(table.shape());
            if (norm != null) d = norm.backward(d, pass);
            INDArray dTable = pass.gradient(name);
            if (dTable != null) dTable.addi(d);
        }

        /**
         * {@code δ(i, j)} for a sequence length, row-major {@code [T·T]}: the relative position {@code i - j},
         * log-bucketed ({@code make_log_bucket_position}) when the config has buckets, plus the span, clamped into
         * the table ({@code c2p_pos}; {@code p2c_pos} is the same index, the bucketing being odd).
         */
        int[] index(int seq) {
            if (seq != indexSeq) {
                int span = settings.span();
                int[] out = new int[seq * seq];
                for (int i = 0; i < seq; i++) {
                    for (int j = 0; j < seq; j++) {
                        int rel = i - j;
                        if (settings.positionBuckets() > 0) rel = logBucket(rel, settings.positionBuckets(), settings.maxRelativePositions());
                        out[i * seq + j] = Math.max(0, Math.min(2 * span - 1, rel + span));
                    }
                }
                index = out;
                indexSeq = seq;
            }
            return index;
        }

        /** make_log_bucket_position in float32, as torch evaluates it, so bucket boundaries fall where transformers' do. */
        static int logBucket(int relative, int buckets, int maxPosition) {
            int mid = buckets / 2;
            int abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
            if (abs <= mid) return relative;
            float ratio = (float) Math.log((float) abs / (float) mid);
            float base = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
            float log = (float) Math.ceil(ratio / base * (float) (mid - 1)) + mid;
            return (int) (log * Math.signum(relative));
        }

        void release() {
            if (norm != null) norm.release();
            gradient.release();
        }
    }
}
