/**
 * The kernels transformer encoders are computed with, forward and backward, on ND4J arrays in host memory.
 *
 * <p>{@link dev.jbert.core.nn.Linear} multiplies with one GEMM per pass (ND4J's, so oneDNN where the build has it),
 * transposes as flags and weight gradients accumulated in place; {@link dev.jbert.core.nn.ScaledDotProductAttention}
 * multiplies each head's block where the projections wrote it, with single-threaded BLAS calls in parallel;
 * {@link dev.jbert.core.nn.LayerNorm}, {@link dev.jbert.core.nn.ActivationFunction} and
 * {@link dev.jbert.core.nn.Dropout} are Java kernels that copy cache-sized chunks to the heap, where the JIT
 * vectorises the arithmetic, and back. Every module writes into {@link dev.jbert.core.nn.Slot}s reused from pass to
 * pass; a {@link dev.jbert.core.nn.Pass} says whether dropout is on and where gradients accumulate. Work is split
 * over the process's cores by {@link dev.jbert.core.nn.Parallel}, deterministically; {@link dev.jbert.core.nn.Profiler}
 * times the kernels for {@code jbert bench --profile}.
 *
 * <p>Modules are not thread-safe: one pass at a time per model.
 */
package dev.jbert.core.nn;
