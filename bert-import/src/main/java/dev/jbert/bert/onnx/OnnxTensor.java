package dev.jbert.bert.onnx;

import dev.jbert.bert.checkpoint.DType;
import dev.jbert.core.ModelFileException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One ONNX {@code TensorProto} (a graph initializer, or the value of a Constant node): its name,
 * ONNX data type, dims, and its data as little-endian bytes in the element layout of
 * {@link #dtype()} (views of the mapped file for {@code raw_data} and packed
 * {@code float_data}; small heap buffers for values stored one per tag).
 *
 * @param dataType ONNX {@code TensorProto.DataType} code
 * @param dtype    the element type, or null for ONNX types that cannot be read as numbers
 *                 (strings, unsigned 16/32/64-bit, complex, 8-bit floats)
 * @param chunks   the data in order; their total size is {@code numel × dtype.size()}
 */
record OnnxTensor(Path file, String name, int dataType, DType dtype, long[] dims, List<ByteBuffer> chunks) {

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9,
            FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

    OnnxTensor {
        dims = dims.clone();
        chunks = List.copyOf(chunks);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    long numel() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** The element type as {@link DType}, or null when jbert cannot read it. */
    static DType dtypeOf(int onnxType) {
        return switch (onnxType) {
            case FLOAT -> DType.F32;
            case UINT8 -> DType.U8;
            case INT8 -> DType.I8;
            case INT16 -> DType.I16;
            case INT32 -> DType.I32;
            case INT64 -> DType.I64;
            case BOOL -> DType.BOOL;
            case FLOAT16 -> DType.F16;
            case DOUBLE -> DType.F64;
            case BFLOAT16 -> DType.BF16;
            default -> null;
        };
    }

    /** ONNX's name of a data type, for messages. */
    static String typeName(int onnxType) {
        return switch (onnxType) {
            case 0 -> "UNDEFINED";
            case FLOAT -> "FLOAT";
            case UINT8 -> "UINT8";
            case INT8 -> "INT8";
            case UINT16 -> "UINT16";
            case INT16 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case STRING -> "STRING";
            case BOOL -> "BOOL";
            case FLOAT16 -> "FLOAT16";
            case DOUBLE -> "DOUBLE";
            case UINT32 -> "UINT32";
            case UINT64 -> "UINT64";
            case 14 -> "COMPLEX64";
            case 15 -> "COMPLEX128";
            case BFLOAT16 -> "BFLOAT16";
            default -> "type " + onnxType;
        };
    }

    /** The data as row-major float32. */
    float[] toFloat32() {
        if (dtype == null) {
            throw new ModelFileException(file, "tensor '" + name + "' has ONNX data type " + typeName(dataType)
                    + ", which cannot be read as float32 (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64, INT32, INT16, INT8, UINT8, BOOL)");
        }
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(file, "tensor '" + name + "' has " + n + " elements, more than one Java array holds");
        }
        float[] out = new float[(int) n];
        if (chunks.size() == 1) {
            dtype.toFloat32(chunks.get(0), out);
            return out;
        }
        int at = 0;
        for (ByteBuffer c : chunks) {
            float[] part = new float[c.remaining() / dtype.size()];
            dtype.toFloat32(c, part);
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** Shape for messages. */
    String shapeString() {
        return Arrays.toString(dims);
    }
}
