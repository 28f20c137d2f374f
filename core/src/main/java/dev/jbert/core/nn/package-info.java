/**
 * The modules transformer encoders are built from, forward and backward, on ND4J arrays: {@link dev.jbert.core.nn.Linear},
 * {@link dev.jbert.core.nn.LayerNorm} (with the bias, dropout and residual that feed it folded in),
 * {@link dev.jbert.core.nn.ScaledDotProductAttention}, {@link dev.jbert.core.nn.Activation},
 * {@link dev.jbert.core.nn.Dropout}, {@link dev.jbert.core.nn.RotaryEmbedding} and
 * {@link dev.jbert.core.nn.GatedLinearUnit}. A module holds its parameters under their checkpoint names and the
 * buffers it reuses from pass to pass ({@link dev.jbert.core.nn.Slot}); a {@link dev.jbert.core.nn.Pass} says whether
 * dropout is on and where gradients accumulate.
 *
 * <p>The arithmetic is a {@link dev.jbert.core.nn.Kernels} set's: the host kernels ({@code nn.host}) on ND4J's host
 * buffers, the device kernels ({@code nn.device}) as ND4J operations only, for GPUs; {@link dev.jbert.core.nn.KernelSet}
 * says which a model is built with. The {@link dev.jbert.core.nn.PrecisionPolicy} of a model says whether its Linear
 * products run in float32, bfloat16 or int8 ({@link dev.jbert.core.nn.Precision}); {@link dev.jbert.core.nn.Profiler}
 * times the kernels for {@code jbert bench --profile}.
 *
 * <p>Modules are not thread-safe: one pass at a time per model.
 */
package dev.jbert.core.nn;
