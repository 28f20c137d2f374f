package dev.jbert.bert.onnx;

import dev.jbert.core.proto.Proto;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.checkpoint.DType;
import dev.jbert.bert.checkpoint.TensorInfo;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.jbert.bert.onnx.OnnxProto.dims;
import static dev.jbert.bert.onnx.OnnxProto.floatTensor;
import static dev.jbert.bert.onnx.OnnxProto.int64Tensor;
import static dev.jbert.bert.onnx.OnnxProto.intAttribute;
import static dev.jbert.bert.onnx.OnnxProto.model;
import static dev.jbert.bert.onnx.OnnxProto.names;
import static dev.jbert.bert.onnx.OnnxProto.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Naming and reading ONNX initializers, on small hand-built models. */
class OnnxCheckpointFileTest {

    private static final Path FILE = Path.of("hand-built.onnx");

    /** x · W + lin.bias with W anonymous [in=2, out=3], as torch exports nn.Linear(2, 3). */
    private static byte[] linearModel() {
        return model(
                new Proto[]{
                        node("MatMul", names("x", "onnx::MatMul_7"), names("/lin/MatMul_output_0")),
                        node("Add", names("lin.bias", "/lin/MatMul_output_0"), names("/lin/Add_output_0")),
                        node("Reshape", names("/lin/Add_output_0", "onnx::Reshape_9"), names("y"))},
                new Proto[]{
                        floatTensor("lin.bias", dims(3), 0.1f, 0.2f, 0.3f),
                        floatTensor("onnx::MatMul_7", dims(2, 3), 1, 2, 3, 4, 5, 6),
                        int64Tensor("onnx::Reshape_9", dims(2), -1, 3)});
    }

    private static OnnxCheckpointFile open(byte[] bytes) {
        return OnnxCheckpointFile.of(FILE, ByteBuffer.wrap(bytes));
    }

    @Test
    void matMulWeightTakesItsBiasNameAndIsTransposed() {
        try (OnnxCheckpointFile f = open(linearModel())) {
            assertEquals(List.of("lin.bias", "lin.weight"), List.copyOf(f.tensors().keySet()), "the Reshape constant is skipped");
            assertEquals(new TensorInfo("lin.weight", DType.F32, new long[]{3, 2}), f.tensors().get("lin.weight"));
            // [[1,2,3],[4,5,6]] ([in, out]) becomes [[1,4],[2,5],[3,6]] ([out, in])
            assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, f.readFloat32("lin.weight"));
            assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f}, f.readFloat32("lin.bias"));
            assertTrue(f.describeSource("lin.weight").contains("onnx::MatMul_7"));
        }
    }

    @Test
    void matMulWeightWithoutABiasIsAnErrorNamingIt() {
        byte[] bytes = model(
                new Proto[]{
                        node("MatMul", names("x", "onnx::MatMul_42"), names("mm")),
                        node("Relu", names("mm"), names("y"))},
                new Proto[]{floatTensor("onnx::MatMul_42", dims(2, 2), 1, 2, 3, 4)});
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(bytes));
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("'onnx::MatMul_42'"), e.getMessage());
        assertTrue(e.getMessage().contains("<module>.bias"), e.getMessage());
    }

    @Test
    void addOfANonParameterIsNotABias() {
        // a residual Add after the MatMul must not lend its name
        byte[] bytes = model(
                new Proto[]{
                        node("MatMul", names("x", "onnx::MatMul_1"), names("mm")),
                        node("Add", names("mm", "x"), names("y"))},
                new Proto[]{floatTensor("onnx::MatMul_1", dims(2, 2), 1, 2, 3, 4)});
        assertThrows(ModelFileException.class, () -> open(bytes));
    }

    @Test
    void biasOfTheWrongSizeIsAnError() {
        byte[] bytes = model(
                new Proto[]{
                        node("MatMul", names("x", "onnx::MatMul_1"), names("mm")),
                        node("Add", names("mm", "lin.bias"), names("y"))},
                new Proto[]{floatTensor("onnx::MatMul_1", dims(2, 3), 1, 2, 3, 4, 5, 6), floatTensor("lin.bias", dims(2), 1, 2)});
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(bytes));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void gemmFollowsTransB() {
        byte[] bytes = model(
                new Proto[]{
                        node("Gemm", names("x", "pooler.dense.weight", "pooler.dense.bias"), names("p"), intAttribute("transB", 1)),
                        node("Gemm", names("p", "onnx::Gemm_5", "head.bias"), names("h"))},
                new Proto[]{
                        floatTensor("pooler.dense.weight", dims(2, 2), 1, 2, 3, 4),
                        floatTensor("pooler.dense.bias", dims(2), 0, 0),
                        floatTensor("onnx::Gemm_5", dims(2, 3), 1, 2, 3, 4, 5, 6),
                        floatTensor("head.bias", dims(3), 0, 0, 0)});
        try (OnnxCheckpointFile f = open(bytes)) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, f.readFloat32("pooler.dense.weight"), "transB=1: already [out, in]");
            assertArrayEquals(new long[]{3, 2}, f.tensors().get("head.weight").shape());
            assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, f.readFloat32("head.weight"), "transB=0: [in, out], transposed");
        }
    }

    @Test
    void unnamedEmbeddingTableIsAnError() {
        byte[] bytes = model(
                new Proto[]{node("Gather", names("onnx::Gather_3", "ids"), names("e"))},
                new Proto[]{floatTensor("onnx::Gather_3", dims(2, 2), 1, 2, 3, 4)});
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(bytes));
        assertTrue(e.getMessage().contains("embedding table"), e.getMessage());
    }

    @Test
    void unknownFieldsAtEveryLevelAreSkipped() {
        Proto tensor = floatTensor("emb.weight", dims(1, 2), 1.5f, -2f)
                .varint(99, 1).string(12, "doc").group(98, new Proto().varint(1, 2)).fixed64(97, 3);
        Proto node = node("Identity", names("emb.weight"), names("y"))
                .string(6, "a doc string").varint(77, 5).fixed32(78, 1);
        Proto graph = new Proto().string(2, "g").message(1, node).message(5, tensor)
                .message(11, new Proto().string(1, "input")).message(12, new Proto().string(1, "y")).fixed32(88, 9);
        byte[] bytes = new Proto().varint(1, 8).message(8, new Proto().varint(2, 14)).string(2, "pytorch")
                .message(7, graph).message(14, new Proto().string(1, "k").string(2, "v")).fixed64(60, 1).toBytes();
        try (OnnxCheckpointFile f = open(bytes)) {
            assertEquals(Set.of("emb.weight"), f.tensors().keySet());
            assertArrayEquals(new float[]{1.5f, -2f}, f.readFloat32("emb.weight"));
        }
    }

    @Test
    void everyDataFieldAndTypeReadsAsFloat32() {
        Proto packedAndSingle = new Proto().varint(1, 4).varint(2, 1).string(8, "a.float_data")
                .bytes(4, Proto.floatsLE(1f, 2f)).fixed32(4, Float.floatToIntBits(3f)).bytes(4, Proto.floatsLE(4f));
        Proto doubles = new Proto().varint(1, 2).varint(2, 11).string(8, "b.double_data")
                .fixed64(10, Double.doubleToLongBits(0.5)).fixed64(10, Double.doubleToLongBits(1e-3));
        Proto longs = int64Tensor("c.int64_data", dims(3), 0, -5, 1L << 40);
        Proto int32 = new Proto().varint(1, 2).varint(2, 6).string(8, "d.int32_data").bytes(5,
                concat(Proto.varintBytes(7), Proto.varintBytes(-3L)));
        // FLOAT16 and BFLOAT16 sit in int32_data as their 16 bits: 1.0 is 0x3c00 in half, 0x3f80 in bfloat16
        Proto half = new Proto().varint(1, 2).varint(2, 10).string(8, "e.half").varint(5, 0x3c00).varint(5, 0xc000);
        Proto bf16 = new Proto().varint(1, 1).varint(2, 16).string(8, "f.bfloat16").varint(5, 0x3f80);
        ByteBuffer rawHalf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3800).putShort((short) 0x7c00);
        Proto raw16 = new Proto().varint(1, 2).varint(2, 10).string(8, "g.raw_half").bytes(9, rawHalf.array());
        Proto dimsPacked = new Proto().bytes(1, concat(Proto.varintBytes(1), Proto.varintBytes(2))).varint(2, 1)
                .string(8, "h.packed_dims").bytes(9, Proto.floatsLE(9f, 8f));
        byte[] bytes = model(new Proto[0],
                new Proto[]{packedAndSingle, doubles, longs, int32, half, bf16, raw16, dimsPacked});
        try (OnnxCheckpointFile f = open(bytes)) {
            assertArrayEquals(new float[]{1, 2, 3, 4}, f.readFloat32("a.float_data"));
            assertArrayEquals(new float[]{0.5f, 1e-3f}, f.readFloat32("b.double_data"));
            assertArrayEquals(new float[]{0, -5, (float) (1L << 40)}, f.readFloat32("c.int64_data"));
            assertArrayEquals(new float[]{7, -3}, f.readFloat32("d.int32_data"));
            assertArrayEquals(new float[]{1f, -2f}, f.readFloat32("e.half"));
            assertArrayEquals(new float[]{1f}, f.readFloat32("f.bfloat16"));
            assertArrayEquals(new float[]{0.5f, Float.POSITIVE_INFINITY}, f.readFloat32("g.raw_half"));
            assertArrayEquals(new long[]{1, 2}, f.tensors().get("h.packed_dims").shape());
            assertEquals(DType.F16, f.tensors().get("e.half").dtype());
            assertEquals(DType.F64, f.tensors().get("b.double_data").dtype());
        }
    }

    @Test
    void externalDataIsRefused() {
        Proto viaEntries = new Proto().varint(1, 2).varint(2, 1).string(8, "w.weight")
                .message(13, new Proto().string(1, "location").string(2, "weights.bin"))
                .message(13, new Proto().string(1, "offset").string(2, "0"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(model(new Proto[0], new Proto[]{viaEntries})));
        assertTrue(e.getMessage().contains("external file") && e.getMessage().contains("weights.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("'w.weight'"), e.getMessage());
        Proto viaLocation = new Proto().varint(1, 2).varint(2, 1).string(8, "w.weight").varint(14, 1);
        assertThrows(ModelFileException.class, () -> open(model(new Proto[0], new Proto[]{viaLocation})));
    }

    @Test
    void truncatedModelIsAnError() {
        byte[] whole = linearModel();
        for (int cut : new int[]{1, 7, whole.length / 2, whole.length - 3}) {
            byte[] part = Arrays.copyOf(whole, cut);
            ModelFileException e = assertThrows(ModelFileException.class, () -> open(part), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        }
    }

    @Test
    void dataOfTheWrongSizeIsAnError() {
        Proto shortRaw = floatTensor("w.weight", dims(2, 2), 1, 2, 3);
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(model(new Proto[0], new Proto[]{shortRaw})));
        assertTrue(e.getMessage().contains("raw_data holds 12 bytes") && e.getMessage().contains("needs 16"), e.getMessage());
        Proto wrongField = new Proto().varint(1, 1).varint(2, 1).string(8, "w.weight").varint(7, 3);
        assertThrows(ModelFileException.class, () -> open(model(new Proto[0], new Proto[]{wrongField})));
    }

    @Test
    void notAModelIsAnError() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(new Proto().varint(1, 8).toBytes()));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
        // safetensors bytes: a header length then JSON
        byte[] safetensors = "\u0010\0\0\0\0\0\0\0{\"a\":1}        ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThrows(ModelFileException.class, () -> open(safetensors));
    }

    @Test
    void quantizedExportsAreRefused() {
        byte[] bytes = model(
                new Proto[]{node("MatMulInteger", names("x", "onnx::W"), names("y"))},
                new Proto[]{int64Tensor("onnx::W", dims(1), 1)});
        ModelFileException e = assertThrows(ModelFileException.class, () -> open(bytes));
        assertTrue(e.getMessage().contains("quantized"), e.getMessage());
    }

    @Test
    void bertCheckpointOpensAnOnnxFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("linear.onnx");
        byte[] bytes = model(
                new Proto[]{
                        node("MatMul", names("x", "onnx::MatMul_7"), names("mm")),
                        node("Add", names("mm", "encoder.layer.0.output.dense.bias"), names("y"))},
                new Proto[]{
                        int64Tensor("embeddings.position_ids", dims(1, 3), 0, 1, 2),
                        floatTensor("encoder.layer.0.output.dense.bias", dims(2), 5, 6),
                        floatTensor("onnx::MatMul_7", dims(2, 2), 1, 2, 3, 4)});
        Files.write(file, bytes);
        try (Checkpoint c = Checkpoint.open(file)) {
            assertEquals(Set.of("bert.encoder.layer.0.output.dense.bias", "bert.encoder.layer.0.output.dense.weight"), c.names(),
                    "position_ids is dropped as in any checkpoint");
            assertArrayEquals(new float[]{1, 3, 2, 4}, c.readFloat32("bert.encoder.layer.0.output.dense.weight"));
        }
        try (OnnxCheckpointFile f = OnnxCheckpointFile.open(file)) {
            f.close();
            assertThrows(ModelFileException.class, () -> f.readFloat32("encoder.layer.0.output.dense.bias"));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
