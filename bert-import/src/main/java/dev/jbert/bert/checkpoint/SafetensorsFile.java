package dev.jbert.bert.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to {@code {dtype, shape, data_offsets}}, then the raw little-endian data. The header
 * is validated completely on open (the format's own rules: offsets inside the data, no two tensors
 * overlapping, byte counts equal to dtype size × shape); each tensor's bytes are memory-mapped only
 * when it is read, so a multi-gigabyte file never passes through the Java heap.
 *
 * <p>Thread-safe for reading: the header is fixed on open and each read maps its own region of the file. Close it
 * only once every read has finished.
 */
public final class SafetensorsFile implements CheckpointFile {

    /** The reference implementation refuses larger headers; a bigger number means a corrupt file. */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, long[]> offsets;

    private record Entry(TensorInfo info, long begin, long end) {
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, List<Entry> entries) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        Map<String, TensorInfo> t = new LinkedHashMap<>();
        Map<String, long[]> o = new LinkedHashMap<>();
        for (Entry e : entries) {
            t.put(e.info.name(), e.info);
            o.put(e.info.name(), new long[]{e.begin, e.end});
        }
        this.tensors = Collections.unmodifiableMap(t);
        this.offsets = o;
    }

    /**
     * Opens and validates the header of a safetensors file.
     *
     * @param path the {@code .safetensors} file
     * @return the open file, which the caller closes
     * @throws ModelFileException when the file is missing, unreadable, or its header breaks the format's rules
     */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(path, "safetensors file not found");
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be opened: " + e.getMessage(), e);
        }
        try {
            return read(path, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile read(Path path, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFileException(path, "truncated safetensors file: " + size
                        + " bytes, expected at least the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
                throw new ModelFileException(path, "safetensors header length " + Long.toUnsignedString(headerLen)
                        + " does not fit the file (" + size + " bytes, so at most " + (size - 8)
                        + "): the file is truncated or not safetensors");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            long dataStart = 8 + headerLen;
            List<Entry> entries = parseHeader(path, new String(header.array(), StandardCharsets.UTF_8), size - dataStart);
            return new SafetensorsFile(path, ch, dataStart, entries);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static List<Entry> parseHeader(Path path, String text, long dataBytes) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(path, "safetensors header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw new ModelFileException(path, "safetensors header must be a JSON object");
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) continue;
            entries.add(parseEntry(path, f.getKey(), f.getValue(), dataBytes));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1), cur = byOffset.get(i);
            if (cur.begin < prev.end) {
                throw new ModelFileException(path, "tensors '" + prev.info.name() + "' [" + prev.begin + ", " + prev.end
                        + ") and '" + cur.info.name() + "' [" + cur.begin + ", " + cur.end + ") overlap in the data section");
            }
        }
        return entries;
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataBytes) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw new ModelFileException(path, where + ": expected {dtype, shape, data_offsets}, found " + node);
        JsonNode dt = node.get("dtype"), shape = node.get("shape"), offs = node.get("data_offsets");
        if (dt == null || shape == null || offs == null) {
            throw new ModelFileException(path, where + ": expected dtype, shape and data_offsets, found " + node);
        }
        DType dtype = DType.fromSafetensorsName(dt.asText()).orElseThrow(() -> new ModelFileException(path,
                where + ": unknown dtype '" + dt.asText() + "'; supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"));
        if (!shape.isArray()) throw new ModelFileException(path, where + ": shape must be an array, found " + shape);
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFileException(path, where + ": shape " + shape + " must hold non-negative integers");
            }
            dims[i] = d.asLong();
        }
        if (!offs.isArray() || offs.size() != 2 || !offs.get(0).isIntegralNumber() || !offs.get(1).isIntegralNumber()) {
            throw new ModelFileException(path, where + ": data_offsets must be [begin, end], found " + offs);
        }
        long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new ModelFileException(path, where + ": data_offsets [" + begin + ", " + end
                    + "] out of range: the data section holds " + dataBytes + " bytes");
        }
        TensorInfo info = new TensorInfo(name, dtype, dims);
        long expected;
        try {
            expected = Math.multiplyExact(info.numel(), dtype.size());
        } catch (ArithmeticException e) {
            throw new ModelFileException(path, where + ": shape " + info.shapeString() + " is too large");
        }
        if (end - begin != expected) {
            throw new ModelFileException(path, where + ": " + (end - begin) + " bytes in data_offsets but " + dtype + " x "
                    + info.shapeString() + " needs " + expected);
        }
        return new Entry(info, begin, end);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public float[] readFloat32(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new ModelFileException(path, "no tensor named '" + name + "'");
        long[] o = offsets.get(name);
        long numel = info.numel();
        if (numel > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(path, "tensor '" + name + "' has " + numel + " elements, more than one Java array holds");
        }
        float[] out = new float[(int) numel];
        if (numel == 0) return out;
        try {
            ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + o[0], o[1] - o[0]);
            info.dtype().toFloat32(data, out);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot read tensor '" + name + "': " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file at byte " + pos);
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only: nothing can be lost by a failed close
        }
    }
}
