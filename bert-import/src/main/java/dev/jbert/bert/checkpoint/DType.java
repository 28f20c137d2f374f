package dev.jbert.bert.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;

/**
 * Element types a checkpoint may store, with their safetensors names, and the one conversion to
 * float32 that every reader shares. Integer tensors are converted too (position ids, say), even
 * though the encoder never reads them as weights.
 */
public enum DType {
    /** 64-bit IEEE float ({@code torch.float64}). */
    F64(8),
    /** 32-bit IEEE float ({@code torch.float32}). */
    F32(4),
    /** 16-bit IEEE half ({@code torch.float16}). */
    F16(2),
    /** bfloat16: float32's upper 16 bits ({@code torch.bfloat16}). */
    BF16(2),
    /** 64-bit signed integer ({@code torch.int64}). */
    I64(8),
    /** 32-bit signed integer ({@code torch.int32}). */
    I32(4),
    /** 16-bit signed integer ({@code torch.int16}). */
    I16(2),
    /** 8-bit signed integer ({@code torch.int8}). */
    I8(1),
    /** 8-bit unsigned integer ({@code torch.uint8}). */
    U8(1),
    /** Boolean, one byte per element ({@code torch.bool}). */
    BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /**
     * Bytes per element.
     *
     * @return the element size in bytes, 1 to 8
     */
    public int size() {
        return size;
    }

    /**
     * The type named as safetensors names it ({@code "F32"}, {@code "BF16"}, ...), if known.
     *
     * @param name a safetensors {@code dtype}; case is ignored
     * @return the type, or empty for a name that is not one of these constants
     */
    public static Optional<DType> fromSafetensorsName(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Converts {@code dst.length} little-endian elements starting at {@code src}'s position into
     * float32, as torch's {@code .float()} would: half and bfloat16 widen exactly, doubles and
     * 64-bit integers round to nearest.
     *
     * @param src the stored bytes, read from its position on; its position and byte order are left unchanged
     * @param dst filled with the converted values, all of it
     */
    public void toFloat32(ByteBuffer src, float[] dst) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = dst.length;
        switch (this) {
            case F32 -> b.asFloatBuffer().get(dst, 0, n);
            case F64 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) b.getDouble();
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[i] = halfToFloat(b.getShort());
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            }
            case I64 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) b.getLong();
            }
            case I32 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) b.getInt();
            }
            case I16 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) b.getShort();
            }
            case I8 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) b.get();
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) dst[i] = (float) (b.get() & 0xff);
            }
        }
    }

    /** IEEE 754 binary16 to float32, exactly (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // subnormal half: mant * 2^-24, exact in float32
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
