package dev.jbert.core.nn.host;

import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.Profiler;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The activations on the host, as torch computes them. GELU is the exact erf form; its erf is a rational
 * approximation (the one Eigen and XLA use, absolute error about 4e-7) and its Gaussian density an exponential by
 * repeated squaring: both vectorise, where {@link Math#exp} does not. The rarer activations use the library's
 * scalar functions.
 */
public final class HostActivations {

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private HostActivations() {
    }

    /** See {@link dev.jbert.core.nn.Kernels#activation}. */
    static void forward(ActivationFunction fn, INDArray x, INDArray bias, INDArray y, boolean keepBiasedInput) {
        long started = Profiler.start();
        Floats.Unary f = unary(fn);
        if (bias == null) {
            Floats.map(x, y, f);
        } else {
            float[] b = new float[(int) bias.length()];
            Floats.of(bias).get(0, b, 0, b.length);
            Floats.rows(x, y, keepBiasedInput, (in, out, rows, width) -> {
                for (int r = 0; r < rows; r++) {
                    int o = r * width;
                    for (int j = 0; j < width; j++) in[o + j] += b[j];
                }
                f.apply(in, out, rows * width);
            });
        }
        Profiler.stop(Profiler.Section.ACTIVATION, started);
    }

    private static Floats.Unary unary(ActivationFunction fn) {
        return switch (fn) {
            case GELU -> HostActivations::gelu;
            case GELU_TANH -> (in, out, n) -> {
                for (int i = 0; i < n; i++) {
                    float v = in[i];
                    out[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
                }
            };
            case RELU -> (in, out, n) -> {
                for (int i = 0; i < n; i++) out[i] = Math.max(in[i], 0f);
            };
            case SILU -> (in, out, n) -> {
                for (int i = 0; i < n; i++) out[i] = in[i] / (1f + (float) Math.exp(-in[i]));
            };
            case TANH -> (in, out, n) -> {
                for (int i = 0; i < n; i++) out[i] = (float) Math.tanh(in[i]);
            };
        };
    }

    /** See {@link dev.jbert.core.nn.Kernels#activationBackward}. */
    static void backward(ActivationFunction fn, INDArray x, INDArray y, INDArray dy, INDArray dx) {
        long started = Profiler.start();
        switch (fn) {
            case GELU -> Floats.map(x, dy, dx, HostActivations::geluBackward);
            case GELU_TANH -> Floats.map(x, dy, dx, (in, g, out, n) -> {
                for (int i = 0; i < n; i++) {
                    float v = in[i];
                    float t = (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v));
                    float inner = SQRT_2_OVER_PI * (1f + 3f * 0.044715f * v * v);
                    out[i] = g[i] * (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * inner);
                }
            });
            case RELU -> Floats.map(x, dy, dx, (in, g, out, n) -> {
                for (int i = 0; i < n; i++) out[i] = in[i] > 0f ? g[i] : 0f;
            });
            case SILU -> Floats.map(x, dy, dx, (in, g, out, n) -> {
                for (int i = 0; i < n; i++) {
                    float s = 1f / (1f + (float) Math.exp(-in[i]));
                    out[i] = g[i] * (s + in[i] * s * (1f - s));
                }
            });
            case TANH -> Floats.map(y, dy, dx, (out1, g, out, n) -> {
                for (int i = 0; i < n; i++) out[i] = g[i] * (1f - out1[i] * out1[i]);
            });
        }
        Profiler.stop(Profiler.Section.ACTIVATION, started);
    }

    private static void gelu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1f + erf(x[i] * SQRT_HALF));
    }

    /** {@code dy·(Φ(x) + x·φ(x))}; two loops, because the JIT vectorises neither half when they share one. */
    private static void geluBackward(float[] x, float[] dy, float[] dx, int n) {
        float[] cdf = Floats.scratch(3, n);
        for (int i = 0; i < n; i++) cdf[i] = 0.5f * (1f + erf(x[i] * SQRT_HALF));
        for (int i = 0; i < n; i++) {
            float v = x[i];
            dx[i] = dy[i] * (cdf[i] + v * expNonPositive(-0.5f * v * v) * INV_SQRT_2PI);
        }
    }

    /**
     * erf(x) by the rational approximation Eigen and XLA use; exact to about 4e-7, ±1 beyond |x| = 4.
     *
     * @param x any value
     * @return erf(x), in [-1, 1]
     */
    public static float erf(float x) {
        float v = Math.max(-4f, Math.min(4f, x));
        float x2 = v * v;
        float p = -2.72614225801306e-10f;
        p = p * x2 + 2.77068142495902e-08f;
        p = p * x2 + -2.10102402082508e-06f;
        p = p * x2 + -5.69250639462346e-05f;
        p = p * x2 + -7.34990630326855e-04f;
        p = p * x2 + -2.95459980854025e-03f;
        p = p * x2 + -1.60960333262415e-02f;
        float q = -1.45660718464996e-05f;
        q = q * x2 + -2.13374055278905e-04f;
        q = q * x2 + -1.68282697438203e-03f;
        q = q * x2 + -7.37332916720468e-03f;
        q = q * x2 + -1.42647390514189e-02f;
        return v * p / q;
    }

    /**
     * e^z for z ≤ 0, relative error about 4e-6, clamped to e^-20 (2e-9) below -20: a degree-9 Taylor polynomial
     * of e^(z/32), squared five times. No table, bit trick or branch, so a loop of it vectorises.
     *
     * @param z a value {@code <= 0}
     * @return about {@code e^z}
     */
    public static float expNonPositive(float z) {
        float u = Math.max(z, -20f) * (1f / 32f);
        float p = 1f / 362880f;
        p = p * u + 1f / 40320f;
        p = p * u + 1f / 5040f;
        p = p * u + 1f / 720f;
        p = p * u + 1f / 120f;
        p = p * u + 1f / 24f;
        p = p * u + 1f / 6f;
        p = p * u + 0.5f;
        p = p * u + 1f;
        p = p * u + 1f;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p;
    }
}
