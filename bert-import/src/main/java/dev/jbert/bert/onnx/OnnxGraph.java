package dev.jbert.bert.onnx;

import dev.jbert.bert.checkpoint.DType;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.proto.ProtoReader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ONNX {@code ModelProto} the importer needs, read from the wire format:
 * {@code ModelProto.graph} (7) → {@code GraphProto.node} (1) and {@code GraphProto.initializer}
 * (5). Every other field, at every level, is skipped. Field numbers are those of
 * <a href="https://github.com/onnx/onnx/blob/main/onnx/onnx.proto">onnx.proto</a>.
 *
 * <p>Tensors whose data lives in external files ({@code data_location = EXTERNAL} or
 * {@code external_data} entries) are refused: they come from exports over 2 GB, which one
 * protobuf cannot hold.
 */
final class OnnxGraph {

    /** A NodeProto: one operator application. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {

        Optional<Long> intAttribute(String attr) {
            Attribute a = attributes.get(attr);
            return a == null ? Optional.empty() : Optional.ofNullable(a.i());
        }

        /** The node's name, or its op type and first output when it has none, for messages. */
        String describe() {
            return opType + " node '" + (name.isEmpty() ? (outputs.isEmpty() ? "?" : outputs.get(0)) : name) + "'";
        }
    }

    /** An AttributeProto; only the kinds the importer reads are kept (others are null). */
    record Attribute(String name, Long i, Float f, String s, OnnxTensor t) {
    }

    private final Path file;
    private final List<Node> nodes;
    private final Map<String, OnnxTensor> initializers;

    private OnnxGraph(Path file, List<Node> nodes, Map<String, OnnxTensor> initializers) {
        this.file = file;
        this.nodes = Collections.unmodifiableList(nodes);
        this.initializers = Collections.unmodifiableMap(initializers);
    }

    Path file() {
        return file;
    }

    /** Nodes in graph order (ONNX requires topological order). */
    List<Node> nodes() {
        return nodes;
    }

    /** Initializers by name, in file order. */
    Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** Parses a whole {@code ModelProto} held in {@code data} (position to limit). */
    static OnnxGraph parse(Path file, ByteBuffer data) {
        ProtoReader model = new ProtoReader(file, data, "ModelProto", "an ONNX model");
        List<Node> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        boolean sawGraph = false;
        while (model.next()) {
            if (model.field() == 7) {
                // protobuf merges a repeated embedded message field: its repeated fields concatenate
                readGraph(file, model.message("GraphProto"), nodes, initializers);
                sawGraph = true;
            } else {
                model.skip();
            }
        }
        if (!sawGraph) {
            throw new ModelFileException(file, "no graph (ModelProto field 7): not an ONNX model, or an empty one");
        }
        return new OnnxGraph(file, nodes, initializers);
    }

    private static void readGraph(Path file, ProtoReader graph, List<Node> nodes, Map<String, OnnxTensor> initializers) {
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> nodes.add(readNode(graph.message("NodeProto")));
                case 5 -> {
                    int at = graph.tagOffset();
                    OnnxTensor t = readTensor(graph.message("TensorProto"));
                    if (t.name().isEmpty()) {
                        throw new ModelFileException(file, "initializer at byte " + at + " has no name; ONNX requires one");
                    }
                    if (initializers.put(t.name(), t) != null) {
                        throw new ModelFileException(file, "two initializers are named '" + t.name() + "'");
                    }
                }
                default -> graph.skip();
            }
        }
    }

    private static Node readNode(ProtoReader r) {
        String name = "", op = "", domain = "";
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = readAttribute(r.message("AttributeProto"));
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new Node(name, op, domain, List.copyOf(inputs), List.copyOf(outputs), Collections.unmodifiableMap(attributes));
    }

    private static Attribute readAttribute(ProtoReader r) {
        String name = "";
        Long i = null;
        Float f = null;
        String s = null;
        OnnxTensor t = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = Float.intBitsToFloat(r.fixed32());
                case 3 -> i = r.varint();
                case 4 -> s = r.string();
                case 5 -> t = readTensor(r.message("TensorProto"));
                default -> r.skip();
            }
        }
        return new Attribute(name, i, f, s, t);
    }

    /** A TensorProto: an initializer, or the value of a Constant node. */
    static OnnxTensor readTensor(ProtoReader r) {
        String name = "";
        int dataType = 0;
        List<Long> dims = new ArrayList<>();
        ByteBuffer raw = null;
        Chunks floats = new Chunks(4), doubles = new Chunks(8);
        List<Long> int32s = new ArrayList<>(), int64s = new ArrayList<>();
        boolean external = false;
        String location = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.varints(dims::add);
                case 2 -> dataType = (int) r.varint();
                case 3 -> throw r.invalid("segmented tensors (TensorProto.segment) are not supported");
                case 4 -> floats.add(r);
                case 5 -> r.varints(int32s::add);
                case 7 -> r.varints(int64s::add);
                case 8 -> name = r.string();
                case 9 -> {
                    if (raw != null) throw r.invalid("raw_data given twice");
                    raw = r.bytes();
                }
                case 10 -> doubles.add(r);
                case 13 -> {
                    external = true;
                    String key = null, value = null;
                    ProtoReader entry = r.message("StringStringEntryProto");
                    while (entry.next()) {
                        if (entry.field() == 1) key = entry.string();
                        else if (entry.field() == 2) value = entry.string();
                        else entry.skip();
                    }
                    if ("location".equals(key)) location = value;
                }
                case 14 -> external |= r.varint() == 1;
                default -> r.skip();
            }
        }
        Path where = r.file();
        String label = name.isEmpty() ? "an unnamed tensor" : "tensor '" + name + "'";
        if (external) {
            throw new ModelFileException(where, label + " keeps its data in an external file"
                    + (location != null ? " ('" + location + "')" : "")
                    + ", which is not supported: export the model with its weights inside the .onnx file (save_as_external_data=False; models under 2 GB fit)");
        }
        long[] shape = new long[dims.size()];
        long numel = 1;
        for (int k = 0; k < shape.length; k++) {
            shape[k] = dims.get(k);
            if (shape[k] < 0) throw new ModelFileException(where, label + " has a negative dimension: " + dims);
            try {
                numel = Math.multiplyExact(numel, shape[k]);
            } catch (ArithmeticException e) {
                throw new ModelFileException(where, label + " has dims " + dims + " whose product overflows");
            }
        }
        DType dtype = OnnxTensor.dtypeOf(dataType);
        List<ByteBuffer> chunks = dtype == null ? List.of()
                : data(where, label, dataType, dtype, numel, raw, floats, doubles, int32s, int64s);
        return new OnnxTensor(where, name, dataType, dtype, shape, chunks);
    }

    /** The one data field the type allows, checked against the element count. */
    private static List<ByteBuffer> data(Path file, String label, int dataType, DType dtype, long numel, ByteBuffer raw,
                                         Chunks floats, Chunks doubles, List<Long> int32s, List<Long> int64s) {
        int sources = (raw != null ? 1 : 0) + (floats.isEmpty() ? 0 : 1) + (doubles.isEmpty() ? 0 : 1)
                + (int32s.isEmpty() ? 0 : 1) + (int64s.isEmpty() ? 0 : 1);
        if (sources > 1) throw new ModelFileException(file, label + " stores its data in more than one field");
        String type = OnnxTensor.typeName(dataType);
        long expectedBytes = numel * dtype.size();
        List<ByteBuffer> chunks;
        if (raw != null) {
            if (raw.remaining() != expectedBytes) {
                throw new ModelFileException(file, label + ": raw_data holds " + raw.remaining() + " bytes but " + type
                        + " with " + numel + " elements needs " + expectedBytes);
            }
            return List.of(raw);
        } else if (!floats.isEmpty()) {
            requireType(file, label, "float_data", dtype == DType.F32, type);
            chunks = floats.finish();
        } else if (!doubles.isEmpty()) {
            requireType(file, label, "double_data", dtype == DType.F64, type);
            chunks = doubles.finish();
        } else if (!int64s.isEmpty()) {
            requireType(file, label, "int64_data", dtype == DType.I64, type);
            chunks = List.of(pack(int64s, 8));
        } else if (!int32s.isEmpty()) {
            requireType(file, label, "int32_data", dtype != DType.F32 && dtype != DType.F64 && dtype != DType.I64, type);
            // int32_data holds every narrow type, FLOAT16 and BFLOAT16 as their 16 bits
            chunks = List.of(pack(int32s, dtype.size()));
        } else {
            chunks = List.of();
        }
        long bytes = 0;
        for (ByteBuffer c : chunks) bytes += c.remaining();
        if (bytes != expectedBytes) {
            throw new ModelFileException(file, label + " holds " + bytes / dtype.size() + " values but its dims imply " + numel);
        }
        return chunks;
    }

    private static void requireType(Path file, String label, String field, boolean ok, String type) {
        if (!ok) throw new ModelFileException(file, label + " has data type " + type + " but stores its values in " + field);
    }

    /** Little-endian values truncated to {@code width} bytes each. */
    private static ByteBuffer pack(List<Long> values, int width) {
        ByteBuffer b = ByteBuffer.allocate(values.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.flip();
    }

    /**
     * A repeated fixed-width field (float_data, double_data): packed runs stay views of the file;
     * values sent one per tag are gathered on the heap, keeping their order with the runs.
     */
    private static final class Chunks {
        private final int width;
        private final List<ByteBuffer> chunks = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Chunks(int width) {
            this.width = width;
        }

        void add(ProtoReader r) {
            if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                ByteBuffer run = r.bytes();
                if (run.remaining() % width != 0) {
                    throw r.invalid("packed run of " + run.remaining() + " bytes is not a whole number of " + width + "-byte values");
                }
                flush();
                chunks.add(run);
            } else {
                ByteBuffer one = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
                if (width == 4) one.putInt(r.fixed32());
                else one.putLong(r.fixed64());
                pending.writeBytes(one.array());
            }
        }

        boolean isEmpty() {
            return chunks.isEmpty() && pending.size() == 0;
        }

        List<ByteBuffer> finish() {
            flush();
            return chunks;
        }

        private void flush() {
            if (pending.size() > 0) {
                chunks.add(ByteBuffer.wrap(pending.toByteArray()).order(ByteOrder.LITTLE_ENDIAN));
                pending.reset();
            }
        }
    }
}
