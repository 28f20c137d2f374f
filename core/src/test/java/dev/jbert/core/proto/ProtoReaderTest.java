package dev.jbert.core.proto;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire-format reader on hand-built bytes. */
class ProtoReaderTest {

    private static final Path FILE = Path.of("hand-built.onnx");

    private static ProtoReader reader(byte[] bytes) {
        return new ProtoReader(FILE, ByteBuffer.wrap(bytes), "TestMessage", "an ONNX model");
    }

    private static long readVarintField(byte[] valueBytes) {
        byte[] msg = new byte[valueBytes.length + 1];
        msg[0] = 0x08; // field 1, varint
        System.arraycopy(valueBytes, 0, msg, 1, valueBytes.length);
        ProtoReader r = reader(msg);
        assertTrue(r.next());
        assertEquals(1, r.field());
        long v = r.varint();
        assertFalse(r.next());
        return v;
    }

    @Test
    void varintEdgeCases() {
        assertEquals(0, readVarintField(new byte[]{0}));
        assertEquals(1, readVarintField(new byte[]{1}));
        assertEquals(127, readVarintField(new byte[]{0x7f}));
        assertEquals(128, readVarintField(new byte[]{(byte) 0x80, 0x01}));
        assertEquals(300, readVarintField(new byte[]{(byte) 0xac, 0x02}));
        assertEquals(Long.MAX_VALUE, readVarintField(Proto.varintBytes(Long.MAX_VALUE)));
        // -1 as int64 (and as int32, which protobuf sign-extends) takes all 10 bytes
        byte[] minusOne = Proto.varintBytes(-1L);
        assertEquals(10, minusOne.length);
        assertEquals(-1L, readVarintField(minusOne));
        assertEquals(-1, (int) readVarintField(minusOne));
        assertEquals(Long.MIN_VALUE, readVarintField(Proto.varintBytes(Long.MIN_VALUE)));
        // a non-minimal encoding is still valid protobuf
        assertEquals(1, readVarintField(new byte[]{(byte) 0x81, (byte) 0x80, 0x00}));
    }

    @Test
    void varintOverSixtyFourBitsIsAnError() {
        byte[] eleven = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x81, 0x01};
        ModelFileException e = assertThrows(ModelFileException.class, () -> readVarintField(eleven));
        assertTrue(e.getMessage().contains("longer than 64 bits"), e.getMessage());
        byte[] tenthTooBig = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x02};
        assertThrows(ModelFileException.class, () -> readVarintField(tenthTooBig));
    }

    @Test
    void truncatedVarintIsAnError() {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> readVarintField(new byte[]{(byte) 0x80, (byte) 0x80}));
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
        assertTrue(e.getMessage().contains("at byte 1"), e.getMessage());
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        byte[] bytes = new Proto()
                .varint(100, 123456789L)
                .fixed64(101, 0x0102030405060708L)
                .string(102, "ignored")
                .group(103, new Proto().varint(1, 5).group(2, new Proto().fixed32(1, 7)).string(3, "x"))
                .fixed32(104, 42)
                .varint(1, 99)                           // the field we want, among the unknown ones
                .bytes(105, new byte[0])
                .toBytes();
        ProtoReader r = reader(bytes);
        List<Long> found = new ArrayList<>();
        int seen = 0;
        while (r.next()) {
            seen++;
            if (r.field() == 1) found.add(r.varint());
            else r.skip();
        }
        assertEquals(7, seen);
        assertEquals(List.of(99L), found);
    }

    @Test
    void typedReadsAndPackedOrUnpackedVarints() {
        byte[] packed = new byte[0];
        for (long v : new long[]{1, 300, -1}) {
            byte[] b = Proto.varintBytes(v);
            byte[] n = new byte[packed.length + b.length];
            System.arraycopy(packed, 0, n, 0, packed.length);
            System.arraycopy(b, 0, n, packed.length, b.length);
            packed = n;
        }
        byte[] bytes = new Proto().bytes(1, packed).varint(1, 7)
                .fixed32(2, Float.floatToIntBits(1.5f)).fixed64(3, Double.doubleToLongBits(-2.25))
                .string(4, "héllo").message(5, new Proto().varint(1, 3)).toBytes();
        ProtoReader r = reader(bytes);
        List<Long> values = new ArrayList<>();
        assertTrue(r.next());
        r.varints(values::add);
        assertTrue(r.next());
        r.varints(values::add);
        assertEquals(List.of(1L, 300L, -1L, 7L), values);
        assertTrue(r.next());
        assertEquals(1.5f, Float.intBitsToFloat(r.fixed32()));
        assertTrue(r.next());
        assertEquals(-2.25, Double.longBitsToDouble(r.fixed64()));
        assertTrue(r.next());
        assertEquals("héllo", r.string());
        assertTrue(r.next());
        ProtoReader inner = r.message("Inner");
        assertTrue(inner.next());
        assertEquals(3, inner.varint());
        assertFalse(inner.next());
        assertFalse(r.next());
    }

    @Test
    void lengthPastTheEndIsAnError() {
        byte[] whole = new Proto().string(1, "abcdef").toBytes();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2);
        ProtoReader r = reader(cut);
        assertTrue(r.next());
        ModelFileException e = assertThrows(ModelFileException.class, r::string);
        assertTrue(e.getMessage().contains("declares 6 bytes but only 4 remain"), e.getMessage());
    }

    @Test
    void nestedLengthMayNotEscapeItsParent() {
        // the inner message claims 5 bytes, but its parent holds only 3
        byte[] bytes = {0x0a, 0x03, 0x12, 0x05, 0x41, 0x42, 0x43, 0x44, 0x45};
        ProtoReader outer = reader(bytes);
        assertTrue(outer.next());
        ProtoReader inner = outer.message("Inner");
        assertTrue(inner.next());
        assertThrows(ModelFileException.class, inner::skip);
    }

    @Test
    void truncatedFixedWidthValuesAreErrors() {
        byte[] f32 = java.util.Arrays.copyOf(new Proto().fixed32(1, 5).toBytes(), 3);
        ProtoReader r = reader(f32);
        assertTrue(r.next());
        assertThrows(ModelFileException.class, r::fixed32);
        byte[] f64 = java.util.Arrays.copyOf(new Proto().fixed64(9, 5).toBytes(), 6);
        ProtoReader s = reader(f64);
        assertTrue(s.next());
        assertThrows(ModelFileException.class, s::skip);
    }

    @Test
    void invalidTagsAreErrors() {
        ModelFileException zero = assertThrows(ModelFileException.class, () -> reader(new byte[]{0x00, 0x00}).next());
        assertTrue(zero.getMessage().contains("field number 0"), zero.getMessage());
        ModelFileException six = assertThrows(ModelFileException.class, () -> reader(new byte[]{0x0e, 0x00}).next());
        assertTrue(six.getMessage().contains("wire type 6"), six.getMessage());
        assertThrows(ModelFileException.class, () -> reader(new byte[]{0x0f}).next());
    }

    @Test
    void wrongWireTypeForAKnownFieldIsAnError() {
        ProtoReader r = reader(new Proto().fixed32(1, 5).toBytes());
        assertTrue(r.next());
        ModelFileException e = assertThrows(ModelFileException.class, r::varint);
        assertTrue(e.getMessage().contains("wire type 5"), e.getMessage());
    }

    @Test
    void unbalancedGroupsAreErrors() {
        // a start-group with no end
        ProtoReader open = reader(new Proto().tag(3, 3).varint(1, 1).toBytes());
        assertTrue(open.next());
        assertTrue(assertThrows(ModelFileException.class, open::skip).getMessage().contains("not terminated"));
        // an end-group of another field
        ProtoReader crossed = reader(new Proto().tag(3, 3).tag(4, 4).toBytes());
        assertTrue(crossed.next());
        assertThrows(ModelFileException.class, crossed::skip);
        // an end-group alone
        ProtoReader lone = reader(new Proto().tag(3, 4).toBytes());
        assertTrue(lone.next());
        assertThrows(ModelFileException.class, lone::skip);
    }

    @Test
    void bytesAreViewsNotCopies() {
        byte[] bytes = new Proto().bytes(9, Proto.floatsLE(1f, 2f)).toBytes();
        ProtoReader r = reader(bytes);
        assertTrue(r.next());
        ByteBuffer b = r.bytes();
        assertEquals(8, b.remaining());
        assertTrue(b.hasArray());
        assertSame(bytes, b.array(), "a view of the same buffer");
        float[] f = new float[2];
        b.asFloatBuffer().get(f);
        assertArrayEquals(new float[]{1f, 2f}, f);
    }
}
