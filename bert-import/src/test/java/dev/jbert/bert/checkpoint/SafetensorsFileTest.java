package dev.jbert.bert.checkpoint;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    /** A safetensors file byte by byte: header length, header JSON, data. */
    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = tmp.resolve("model.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static byte[] le(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    private static void assertRejected(Path file, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }

    @Test
    void convertsEveryStoredTypeToFloat32() throws IOException {
        byte[] f16 = le(8, b -> b.putShort((short) 0x3e00).putShort((short) 0xc000).putShort((short) 0x7bff).putShort((short) 0x0001));
        byte[] bf16 = le(4, b -> b.putShort((short) 0x3fc0).putShort((short) 0xc2f7));
        byte[] i64 = le(16, b -> b.putLong(7).putLong(-3));
        byte[] f32 = le(8, b -> b.putFloat(0.1f).putFloat(-1e30f));
        byte[] data = ByteBuffer.allocate(36).put(f16).put(bf16).put(i64).put(f32).array();
        Path p = raw("""
                {"__metadata__":{"format":"pt"},
                 "h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},
                 "b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},
                 "i":{"dtype":"I64","shape":[2],"data_offsets":[12,28]},
                 "f":{"dtype":"F32","shape":[2],"data_offsets":[28,36]}}""", data);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(java.util.List.of("h", "b", "i", "f"), java.util.List.copyOf(f.tensors().keySet()));
            assertArrayEquals(new long[]{2, 2}, f.tensors().get("h").shape());
            // 1.5, -2, the largest half (65504) and the smallest subnormal half (2^-24)
            assertArrayEquals(new float[]{1.5f, -2f, 65504f, 0x1p-24f}, f.readFloat32("h"));
            assertArrayEquals(new float[]{1.5f, -123.5f}, f.readFloat32("b"));
            assertArrayEquals(new float[]{7f, -3f}, f.readFloat32("i"));
            assertArrayEquals(new float[]{0.1f, -1e30f}, f.readFloat32("f"));
        }
    }

    @Test
    void roundTripsWhatTheWriterWrites() {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", new SafetensorsWriter.Tensor(new float[]{1, 2, 3, 4, 5, 6}, new long[]{2, 3}));
        tensors.put("a.bias", new SafetensorsWriter.Tensor(new float[]{-1, 0.5f}, new long[]{2}));
        Path p = tmp.resolve("out.safetensors");
        SafetensorsWriter.write(p, tensors);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, f.readFloat32("a.weight"));
            assertArrayEquals(new long[]{2, 3}, f.tensors().get("a.weight").shape());
            assertArrayEquals(new float[]{-1, 0.5f}, f.readFloat32("a.bias"));
        }
        assertTrue(Files.notExists(tmp.resolve("out.safetensors.tmp")), "temporary file left behind");
    }

    @Test
    void missingFile() {
        assertRejected(tmp.resolve("model.safetensors"), "not found");
    }

    @Test
    void truncatedBeforeTheHeaderLength() throws IOException {
        Path p = tmp.resolve("model.safetensors");
        Files.write(p, new byte[]{1, 2, 3});
        assertRejected(p, "truncated", "3 bytes");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path p = tmp.resolve("model.safetensors");
        Files.write(p, le(20, b -> b.putLong(1000)));
        assertRejected(p, "header length 1000", "20 bytes");
    }

    @Test
    void truncatedData() throws IOException {
        assertRejected(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]),
                "tensor 'w'", "out of range", "8 bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(raw("""
                {"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},
                 "b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", new byte[24]),
                "'a'", "'b'", "overlap");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,8]}}", new byte[16]),
                "tensor 'a'", "out of range");
    }

    @Test
    void unknownDtype() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]),
                "tensor 'a'", "unknown dtype 'Q4_K'", "F32");
    }

    @Test
    void byteCountDisagreesWithShape() throws IOException {
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[12]),
                "tensor 'a'", "12 bytes", "needs 16");
    }

    @Test
    void headerIsNotJson() throws IOException {
        assertRejected(raw("{not json", new byte[0]), "not valid JSON");
    }

    @Test
    void absentTensorName() throws IOException {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> f.readFloat32("b"));
            assertTrue(e.getMessage().contains("no tensor named 'b'"), e.getMessage());
        }
    }
}
