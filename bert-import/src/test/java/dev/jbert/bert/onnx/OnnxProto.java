package dev.jbert.bert.onnx;

import dev.jbert.core.proto.Proto;

import static dev.jbert.core.proto.Proto.floatsLE;

/** ONNX messages built from hand-written protobuf bytes. */
final class OnnxProto {

    private OnnxProto() {
    }


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
