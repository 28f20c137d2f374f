/**
 * The host kernels: ND4J's host buffers read and written directly. {@code Linear} products are one GEMM each (oneDNN
 * where the build has it); attention multiplies each head's block where the projections wrote it, with
 * single-threaded BLAS calls in parallel; LayerNorm, the activations and dropout are Java kernels that copy
 * cache-sized chunks to the heap, where the JIT vectorises the arithmetic, and back. Work is split over the process's
 * cores by {@link dev.jbert.core.nn.host.Parallel}, deterministically. CPU only.
 */
package dev.jbert.core.nn.host;
