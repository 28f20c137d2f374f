/**
 * The device kernels: ND4J operations only (batched products, broadcasts, reductions, gathers, segment sums, the
 * random generator), never an array's host memory, so that they run on ND4J's CUDA backend as on its CPU backend. An
 * architecture test ({@code DeviceKernelsArchitectureTest}) follows every call from this package through the
 * project and fails on any host-memory access.
 */
package dev.jbert.core.nn.device;
