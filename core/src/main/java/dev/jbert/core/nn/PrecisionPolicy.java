package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The precision one model's Linear layers multiply in, decided in one place for all of them (the encoder's and the
 * head's) as an autocast context decides it for a PyTorch model, and the low-precision copies of their weights.
 *
 * <p>A trainable model rounds its float32 weights to bfloat16 in every pass, since the optimizer may have moved them
 * since the last (a weight is rounded once per pass, a small cost beside the products that read it). A model
 * {@linkplain #forInference prepared for inference} rounds or quantizes each weight once, on first use, keeps the
 * copy here, and from then on refuses to train: its copies would no longer be those of its masters.
 *
 * <p>The transient low-precision arrays of one product (its bfloat16 result, the gradients' bfloat16 copies, the
 * quantized input and the int32 sums) are dead once the product's float32 result is written, so the model's Linears
 * share one slot of each: a model runs one pass at a time.
 *
 * <p>Its methods take turns on the policy's lock and its flags are volatile, so it may be configured from any
 * thread; change the precision only between passes.
 */
public final class PrecisionPolicy {

    /** A transient array of one product, shared by all the model's Linears. */
    enum Scratch {
        BF16_OUTPUT(DataType.BFLOAT16), BF16_OUTPUT_GRADIENT(DataType.BFLOAT16), BF16_INPUT_GRADIENT(DataType.BFLOAT16),
        BF16_WEIGHT_GRADIENT(DataType.BFLOAT16), FLOAT_LEVELS(DataType.FLOAT), UINT8_INPUT(DataType.UINT8),
        INT32_SUMS(DataType.INT32);

        private final DataType type;

        Scratch(DataType type) {
            this.type = type;
        }
    }

    private volatile Precision precision = Precision.FP32;
    private volatile boolean frozen;
    private volatile boolean mastersReleased;
    private final Set<INDArray> weights = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, INDArray> bf16Weights = new IdentityHashMap<>();
    private final Map<INDArray, Int8Weights> int8Weights = new IdentityHashMap<>();
    private final Map<Scratch, Slot> scratch = new EnumMap<>(Scratch.class);

    /** Float32 and trainable: what every model starts as. */
    public PrecisionPolicy() {
    }

    /**
     * The precision the model's products run in now.
     *
     * @return the precision, FP32 until set
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Whether the weights' low-precision copies are made once and kept, the model no longer trainable.
     *
     * @return whether the model was prepared for inference
     */
    public boolean frozen() {
        return frozen;
    }

    /**
     * Products in {@code p} for training and evaluation.
     *
     * @param p FP32 or BF16
     * @throws IllegalArgumentException for int8, which does not train
     * @throws IllegalStateException    when the model was prepared for inference
     */
    public synchronized void forTraining(Precision p) {
        if (!p.trains()) throw new IllegalArgumentException(p.flag() + " is for inference only: train in fp32 or bf16");
        requireTrainable();
        precision = p;
    }

    /**
     * Frees the float32 masters of the Linear weights of a model prepared for bf16 or int8 inference, which only their
     * copies are read from now on: an int8 model then holds a quarter of their memory, a bf16 model half. The model
     * can no longer change precision, train or be saved; load it again for that.
     *
     * @throws IllegalStateException when the model is not prepared for a lower-precision inference
     */
    public synchronized void releaseMasters() {
        if (!frozen) throw new IllegalStateException("only a model prepared for bf16 or int8 inference can free its float32 weights");
        NativeMemory.free(weights);
        mastersReleased = true;
    }

    /**
     * Products in {@code p} for inference only: every Linear's low-precision weight made now, once, and training
     * refused from now on (fp32 leaves the model trainable).
     *
     * @param p the precision
     * @throws IllegalStateException if the model already freed its float32 weights for an earlier inference precision
     */
    public synchronized void forInference(Precision p) {
        if (mastersReleased) {
            throw new IllegalStateException("this model freed its float32 weights for " + precision.flag() + " inference: load it again");
        }
        releaseCopies();
        precision = p;
        frozen = p != Precision.FP32;
        for (INDArray w : weights) {
            if (p == Precision.BF16) frozenBf16(w);
            else if (p == Precision.INT8) int8(w);
        }
    }

    /** A Linear's weight {@code [out, in]}, whose copies {@link #forInference} makes. */
    synchronized void register(INDArray weight) {
        weights.add(weight);
    }

    /**
     * Refuses a training pass on a model prepared for inference.
     *
     * @throws IllegalStateException naming the precision
     */
    public void requireTrainable() {
        if (frozen) {
            throw new IllegalStateException("this model was prepared for " + precision.flag()
                    + " inference: its weights are frozen, load it again to train");
        }
    }

    /** The kept bfloat16 copy of a frozen model's weight, rounded on first use. */
    synchronized INDArray frozenBf16(INDArray weight) {
        return bf16Weights.computeIfAbsent(weight, w -> {
            INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, w.shape());
            Bf16.round(w, low);
            return low;
        });
    }

    /** The kept int8 copy of a weight {@code [out, in]}, quantized on first use. */
    synchronized Int8Weights int8(INDArray weight) {
        if (!frozen) throw new IllegalStateException("int8 products need a model prepared for int8 inference");
        return int8Weights.computeIfAbsent(weight, Int8Weights::quantize);
    }

    /** The shared slot of one kind of transient array. */
    synchronized Slot scratch(Scratch kind) {
        return scratch.computeIfAbsent(kind, k -> new Slot(k.type));
    }

    /**
     * Bytes held by the weights' low-precision copies.
     *
     * @return the bytes, 0 in float32
     */
    public synchronized long copyBytes() {
        long bytes = 0;
        for (INDArray a : bf16Weights.values()) bytes += 2 * a.length();
        for (Int8Weights w : int8Weights.values()) bytes += w.weight().length() + 8L * w.out();
        return bytes;
    }

    /** Frees the weights' copies and the shared scratch; the policy stays usable. */
    public synchronized void release() {
        releaseCopies();
        scratch.values().forEach(Slot::release);
        scratch.clear();
    }

    private void releaseCopies() {
        NativeMemory.free(bf16Weights.values());
        bf16Weights.clear();
        int8Weights.values().forEach(Int8Weights::release);
        int8Weights.clear();
    }
}
