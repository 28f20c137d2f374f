package dev.jbert.bert.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-written protobuf bytes for tests, and ONNX messages built from them. */
final class Proto {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto tag(int field, int wire) {
        return raw(varintBytes(((long) field << 3) | wire));
    }

    Proto varint(int field, long v) {
        return tag(field, 0).raw(varintBytes(v));
    }

    Proto fixed32(int field, int bits) {
        return tag(field, 5).raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array());
    }

    Proto fixed64(int field, long bits) {
        return tag(field, 1).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bits).array());
    }

    Proto bytes(int field, byte[] b) {
        return tag(field, 2).raw(varintBytes(b.length)).raw(b);
    }

    Proto string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto m) {
        return bytes(field, m.toBytes());
    }

    Proto group(int field, Proto content) {
        return tag(field, 3).raw(content.toBytes()).tag(field, 4);
    }

    Proto raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(toBytes());
    }

    static byte[] varintBytes(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            b.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    static byte[] floatsLE(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    // ------------------------------------------------------------------ ONNX

    /** A FLOAT initializer with raw_data. */
    static Proto floatTensor(String name, long[] dims, float... values) {
        Proto t = new Proto();
        for (long d : dims) t.varint(1, d);
        return t.varint(2, 1).string(8, name).bytes(9, floatsLE(values));
    }

    /** An INT64 initializer with int64_data. */
    static Proto int64Tensor(String name, long[] dims, long... values) {
        Proto t = new Proto();
        for (long d : dims) t.varint(1, d);
        t.varint(2, 7).string(8, name);
        for (long v : values) t.varint(7, v);
        return t;
    }

    static Proto node(String op, String[] inputs, String[] outputs, Proto... attributes) {
        Proto n = new Proto();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, op + "_" + outputs[0]).string(4, op);
        for (Proto a : attributes) n.message(5, a);
        return n;
    }

    static Proto intAttribute(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, 2);
    }

    static Proto tensorAttribute(String name, Proto tensor) {
        return new Proto().string(1, name).message(5, tensor).varint(20, 4);
    }

    /** A ModelProto around a graph of these nodes and initializers. */
    static byte[] model(Proto[] nodes, Proto[] initializers) {
        Proto g = new Proto().string(2, "test");
        for (Proto n : nodes) g.message(1, n);
        for (Proto t : initializers) g.message(5, t);
        return new Proto().varint(1, 8).string(2, "jbert-test").message(7, g).toBytes();
    }

    static String[] names(String... s) {
        return s;
    }

    static long[] dims(long... d) {
        return d;
    }
}
