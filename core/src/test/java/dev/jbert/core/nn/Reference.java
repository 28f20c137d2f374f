package dev.jbert.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Double-precision reference computations and random arrays for the kernel tests. */
final class Reference {

    private Reference() {
    }

    static INDArray randn(Random random, double scale, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * scale);
        return Nd4j.create(v, shape, 'c');
    }

    static double[] doubles(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    static double maxAbsDiff(double[] expected, INDArray actual) {
        double[] got = doubles(actual);
        if (got.length != expected.length) throw new AssertionError(got.length + " values, expected " + expected.length);
        double worst = 0;
        for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        return worst;
    }

    static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** erf by its Maclaurin series (|x| < 3, 60 terms, double rounding) or its asymptotic tail. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax >= 6) return Math.signum(x);
        if (ax < 3) {
            double term = x, sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x * x / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc by its continued fraction, accurate far beyond float at |x| >= 3
        double f = 0;
        for (int k = 60; k >= 1; k--) f = k / 2.0 / (ax + f);
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }
}
