package dev.jbert.bert.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PytorchCheckpointFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the evil pickles would create if anything in them ran. */
    private static final Path PWNED = Path.of("/tmp/pwned");

    @TempDir
    Path tmp;

    @AfterEach
    void nothingRan() {
        assertFalse(Files.exists(PWNED), PWNED + " exists: a pickle payload ran");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "token-cls"})
    void holdsTheSameTensorsAsTheSafetensorsTwin(String model) throws Exception {
        Path dir = dev.jbert.testdata.Fixtures.folder(model);
        Map<String, Expected> expected = readSafetensors(dir.resolve("model.safetensors"));

        try (PytorchCheckpointFile bin = PytorchCheckpointFile.open(dir.resolve("pytorch_model.bin"))) {
            assertEquals(expected.keySet(), bin.tensors().keySet());
            for (Expected want : expected.values()) {
                TensorInfo got = bin.tensors().get(want.name);
                assertEquals(want.dtype, got.dtype().name(), want.name);
                assertArrayEquals(want.shape, got.shape(), want.name);
                assertArrayEquals(want.values, bin.readFloat32(want.name), want.name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"strided-p2.bin", "strided-p4.bin"})
    void gathersStridedViewsInRowMajorOrder(String file) throws Exception {
        JsonNode expected = JSON.readTree(resource("/pickle/strided.json").toFile());

        try (PytorchCheckpointFile bin = PytorchCheckpointFile.open(resource("/pickle/" + file))) {
            List<String> order = new ArrayList<>();
            expected.fieldNames().forEachRemaining(order::add);
            assertEquals(order, List.copyOf(bin.tensors().keySet()), "tensors come in pickle order");
            for (String name : order) {
                JsonNode want = expected.get(name);
                TensorInfo got = bin.tensors().get(name);
                assertEquals(want.get("dtype").asText(), got.dtype().name(), name);
                assertArrayEquals(JSON.treeToValue(want.get("shape"), long[].class), got.shape(), name);
                assertArrayEquals(JSON.treeToValue(want.get("values"), float[].class), bin.readFloat32(name), name);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "evil-posix-system-p2.bin, posix.system",
            "evil-os-system-p2.bin, os.system",
            "evil-posix-system-p4.bin, posix.system",
            "evil-builtins-eval-p3.bin, builtins.eval",
            "evil-subprocess-popen-p4.bin, subprocess.Popen"})
    void refusesPicklesThatRunCode(String file, String global) throws Exception {
        Path path = resource("/pickle/" + file);

        ModelFileException e = assertThrows(ModelFileException.class, () -> PytorchCheckpointFile.open(path));

        assertEquals(path, e.file());
        assertTrue(e.getMessage().startsWith(path + ": archive/data.pkl byte "), e.getMessage());
        assertTrue(e.getMessage().contains("refusing to load global '" + global
                + "': only tensors, storages and dicts are allowed"), e.getMessage());
    }

    @Test
    void rejectsATruncatedZip() throws Exception {
        byte[] whole = Files.readAllBytes(baseBin());
        Path cut = Files.write(tmp.resolve("cut.bin"), Arrays.copyOf(whole, whole.length / 2));

        assertFails(cut, "not a zip archive: truncated");
    }

    @Test
    void rejectsALegacyBarePickle() throws Exception {
        Path legacy = Files.copy(resource("/pickle/values-p2.pkl"), tmp.resolve("legacy.bin"));

        assertFails(legacy, "older checkpoints are a bare pickle, which is not supported");
    }

    @Test
    void rejectsAMissingFile() {
        assertFails(tmp.resolve("absent.bin"), "PyTorch checkpoint not found");
    }

    @Test
    void rejectsAZipWithoutDataPkl() throws Exception {
        Path zip = zip(Map.of("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));

        assertFails(zip, "no <dir>/data.pkl entry in the zip");
    }

    @Test
    void rejectsAMissingStorageEntry() throws Exception {
        Storage dropped = storage("pytorch_model/data/3");
        Path edited = edit(baseBin(), (name, data) -> name.equals(dropped.entry) ? null : data);

        assertFails(edited, "tensor '" + dropped.tensor.name + "' needs storage entry '" + dropped.entry + "', which the zip lacks");
    }

    @Test
    void rejectsAStorageOfTheWrongSize() throws Exception {
        Storage cut = storage("pytorch_model/data/0");
        int kept = cut.bytes.length / 2;
        Path edited = edit(baseBin(), (name, data) -> name.equals(cut.entry) ? Arrays.copyOf(data, kept) : data);

        assertFails(edited, "storage entry '" + cut.entry + "' of tensor '" + cut.tensor.name + "' holds " + kept + " bytes, expected "
                + cut.tensor.values.length + " " + cut.tensor.dtype + " elements (" + cut.bytes.length + " bytes)");
    }

    @Test
    void rejectsBigEndianCheckpoints() throws Exception {
        Path edited = edit(baseBin(), (name, data) -> name.equals("pytorch_model/byteorder")
                ? "big".getBytes(StandardCharsets.US_ASCII) : data);

        assertFails(edited, "pytorch_model/byteorder says 'big', expected 'little': big-endian checkpoints are not supported");
    }

    @Test
    void rejectsAViewReachingPastItsStorage() throws Exception {
        assertFails(resource("/pickle/overrun.bin"),
                "tensor 'too_long' (shape [4], strides [1], offset 2) needs 6 storage elements, "
                        + "but storage 'archive/data/0' holds 4");
    }

    @Test
    void rejectsOneStorageDeclaredTwoWays() throws Exception {
        assertFails(resource("/pickle/conflicting-storage.bin"),
                "storage 'archive/data/0' is declared as 2 F32 elements by an earlier tensor but as 2 F16 elements "
                        + "by tensor 'b'");
    }

    @Test
    void rejectsAnUnknownOpcodeWithItsPosition() throws Exception {
        Path zip = zip(Map.of("archive/data.pkl", bytes("\u0080\u0002}\u00ff.")));

        assertFails(zip, "archive/data.pkl byte 3: unsupported pickle opcode 0xff");
    }

    @Test
    void rejectsAPickleThatIsNotAStateDict() throws Exception {
        // pickle.dumps([1], protocol=2) and pickle.dumps({'a': 1}, protocol=2)
        Path list = zip(Map.of("archive/data.pkl", bytes("\u0080\u0002]q\u0000K\u0001a.")));
        assertFails(list, "archive/data.pkl holds a value of type list, expected a dict of tensors");

        Path notTensor = zip(Map.of("archive/data.pkl", bytes("\u0080\u0002}q\u0000X\u0001\u0000\u0000\u0000aq\u0001K\u0001s.")));
        assertFails(notTensor, "'a' in archive/data.pkl is of type int, expected a tensor");
    }

    @Test
    void namesAnAbsentTensor() throws Exception {
        try (PytorchCheckpointFile bin = PytorchCheckpointFile.open(baseBin())) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> bin.readFloat32("bert.nope"));
            int stored = readSafetensors(dev.jbert.testdata.Fixtures.folder("base").resolve("model.safetensors")).size();
            assertEquals(baseBin() + ": no tensor 'bert.nope' in this checkpoint (it has " + stored + " tensors)", e.getMessage());
        }
    }

    private static void assertFails(Path path, String message) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> PytorchCheckpointFile.open(path));
        assertEquals(path, e.file());
        assertTrue(e.getMessage().startsWith(path + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Path baseBin() throws URISyntaxException {
        return dev.jbert.testdata.Fixtures.folder("base").resolve("pytorch_model.bin");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PytorchCheckpointFileTest.class.getResource(name).toURI());
    }

    private static byte[] bytes(String isoLatin1) {
        return isoLatin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A copy of {@code source} with each entry's bytes passed through {@code change}; null drops it. */
    private Path edit(Path source, BiFunction<String, byte[], byte[]> change) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(source.toFile())) {
            for (Iterator<? extends ZipEntry> it = zip.entries().asIterator(); it.hasNext(); ) {
                ZipEntry e = it.next();
                byte[] data = change.apply(e.getName(), zip.getInputStream(e).readAllBytes());
                if (data != null) {
                    entries.put(e.getName(), data);
                }
            }
        }
        return zip(entries);
    }

    private Path zip(Map<String, byte[]> entries) throws IOException {
        Path path = Files.createTempFile(tmp, "edited", ".bin");
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return path;
    }

    private record Expected(String name, String dtype, long[] shape, float[] values, byte[] bytes) {
    }

    /** A storage entry of the base checkpoint, its bytes, and the tensor of the safetensors twin that holds the same bytes. */
    private record Storage(String entry, byte[] bytes, Expected tensor) {
    }

    /**
     * Finds which tensor a storage entry belongs to without the product's pickle reader: every tensor of the fixture
     * has a storage of its own, so the entry's bytes are that tensor's bytes in the safetensors twin.
     */
    private static Storage storage(String entry) throws Exception {
        byte[] bytes;
        try (ZipFile zip = new ZipFile(baseBin().toFile())) {
            ZipEntry e = zip.getEntry(entry);
            assertTrue(e != null, baseBin() + " has no entry " + entry);
            bytes = zip.getInputStream(e).readAllBytes();
        }
        List<Expected> holders = readSafetensors(dev.jbert.testdata.Fixtures.folder("base").resolve("model.safetensors")).values()
                .stream().filter(t -> Arrays.equals(t.bytes, bytes)).toList();
        assertEquals(1, holders.size(), entry + " holds the bytes of exactly one tensor, found " + holders.stream().map(Expected::name).toList());
        return new Storage(entry, bytes, holders.get(0));
    }

    /**
     * A test-only safetensors reader, independent of the product's: an 8-byte little-endian
     * header length, a JSON header, then little-endian data at the header's offsets.
     */
    private static Map<String, Expected> readSafetensors(Path path) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(file.getLong(0));
        JsonNode header = JSON.readTree(Arrays.copyOfRange(file.array(), 8, 8 + headerLength));
        int dataStart = 8 + headerLength;
        Map<String, Expected> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = field.getValue();
            String dtype = t.get("dtype").asText();
            long[] shape = JSON.treeToValue(t.get("shape"), long[].class);
            int begin = dataStart + t.get("data_offsets").get(0).asInt();
            int end = dataStart + t.get("data_offsets").get(1).asInt();
            float[] values = switch (dtype) {
                case "F32" -> new float[(end - begin) / 4];
                case "I64" -> new float[(end - begin) / 8];
                default -> throw new AssertionError("fixture has unexpected dtype " + dtype);
            };
            for (int i = 0; i < values.length; i++) {
                values[i] = dtype.equals("F32") ? file.getFloat(begin + 4 * i) : (float) file.getLong(begin + 8 * i);
            }
            out.put(field.getKey(), new Expected(field.getKey(), dtype, shape, values, Arrays.copyOfRange(file.array(), begin, end)));
        }
        return Collections.unmodifiableMap(out);
    }
}
