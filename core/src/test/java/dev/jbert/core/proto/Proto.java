package dev.jbert.core.proto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-written protobuf bytes for tests of the readers of protobuf files (ONNX, SentencePiece). */
public final class Proto {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Proto tag(int field, int wire) {
        return raw(varintBytes(((long) field << 3) | wire));
    }

    public Proto varint(int field, long v) {
        return tag(field, 0).raw(varintBytes(v));
    }

    public Proto fixed32(int field, int bits) {
        return tag(field, 5).raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array());
    }

    public Proto fixed64(int field, long bits) {
        return tag(field, 1).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bits).array());
    }

    public Proto bytes(int field, byte[] b) {
        return tag(field, 2).raw(varintBytes(b.length)).raw(b);
    }

    public Proto string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public Proto message(int field, Proto m) {
        return bytes(field, m.toBytes());
    }

    public Proto group(int field, Proto content) {
        return tag(field, 3).raw(content.toBytes()).tag(field, 4);
    }

    public Proto raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }

    public ByteBuffer buffer() {
        return ByteBuffer.wrap(toBytes());
    }

    public static byte[] varintBytes(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            b.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    public static byte[] floatsLE(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }
}
