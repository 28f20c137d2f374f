package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hand-written pickles are Java strings of ISO-8859-1 characters, one per byte, laid out as
 * Python's pickletools documents the opcodes; the values files come from Python's own pickler.
 */
class PickleReaderTest {

    private static final Path FILE = Path.of("test.bin");

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 5})
    void readsWhatPythonsPicklerWrites(int protocol) throws IOException, URISyntaxException {
        Path p = Path.of(PickleReaderTest.class.getResource("/pickle/values-p" + protocol + ".pkl").toURI());

        Object value = PickleReader.read(p, p.getFileName().toString(), Files.readAllBytes(p));

        // the value make_resources.py pickled, spelled in Java
        Map<Object, Object> tuples = new LinkedHashMap<>();
        tuples.put("t0", List.of());
        tuples.put("t1", List.of(1L));
        tuples.put("t2", List.of(1L, 2L));
        tuples.put("t3", List.of(1L, 2L, 3L));
        tuples.put("t4", List.of(1L, 2L, 3L, 4L));
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put("str", "h\u00e9llo \u2713");
        expected.put("ints", List.of(0L, 1L, 255L, 256L, 65535L, 65536L, -1L, -(1L << 31), (1L << 31) - 1, 1L << 40,
                Long.MIN_VALUE, Long.MAX_VALUE));
        expected.put("floats", List.of(1.5, -0.0, 1e300));
        expected.put("flags", Arrays.asList(true, false, null));
        expected.put("tuples", tuples);
        expected.put("shared", List.of(List.of(7L), List.of(7L)));
        expected.put("many", IntStream.range(0, 300).mapToObj(i -> "s" + i).toList());
        assertEquals(expected, value);

        Map<?, ?> dict = (Map<?, ?>) value;
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(dict.keySet()), "pickle order is kept");
        assertEquals("tuple", PickleReader.typeName(dict.get("flags")));
        assertEquals("list", PickleReader.typeName(dict.get("ints")));
        List<?> shared = (List<?>) dict.get("shared");
        assertSame(shared.get(0), shared.get(1), "a memo reference yields the same object");
    }

    @Test
    void readsOpcodesPythonRarelyWrites() {
        assertEquals("abc", read("\u0080\u0004\u008d\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u0000abc."));
        // LONG1 values as pickle.loads decodes them
        assertEquals(0L, read("\u0080\u0002\u008a\u0000."));
        assertEquals(-1L, read("\u0080\u0002\u008a\u0001\u00ff."));
        assertEquals(-32768L, read("\u0080\u0002\u008a\u0002\u0000\u0080."));
        assertEquals(4294967296L, read("\u0080\u0002\u008a\u0005\u0000\u0000\u0000\u0000\u0001."));
        // ([1], [1]) with one list stored at memo 256 and fetched back: LONG_BINPUT, APPEND, LONG_BINGET
        Object pair = read("\u0080\u0002]r\u0000\u0001\u0000\u0000K\u0001aj\u0000\u0001\u0000\u0000\u0086.");
        assertEquals(List.of(List.of(1L), List.of(1L)), pair);
        assertSame(((List<?>) pair).get(0), ((List<?>) pair).get(1));
    }

    @Test
    void acceptsTheMetadataAttributeOfAStateDict() {
        // OrderedDict() with BUILD {'_metadata': {}}, as torch state dicts carry their version table
        Object v = read("\u0080\u0002ccollections\nOrderedDict\n)R}X\u0009\u0000\u0000\u0000_metadata}sb.");
        assertEquals(Map.of(), v);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "posix|system", "os|system", "builtins|eval", "builtins|getattr", "subprocess|Popen",
            "torch|load", "torch|_utils._rebuild_tensor_v2", "collections|defaultdict", "torch._utils|_rebuild_tensor"})
    void refusesEveryGlobalOutsideTheAllowList(String module, String name) {
        String global = module + "." + name;

        ModelFileException viaGlobal = fails("\u0080\u0002c" + module + "\n" + name + "\n)R.");
        assertTrue(viaGlobal.getMessage().contains("test.pkl byte 2: refusing to load global '" + global + "'"),
                viaGlobal.getMessage());

        ModelFileException viaStack = fails("\u0080\u0004\u008c" + (char) module.length() + module
                + "\u008c" + (char) name.length() + name + "\u0093)R.");
        int at = 2 + 2 + module.length() + 2 + name.length();
        assertTrue(viaStack.getMessage().contains("test.pkl byte " + at + ": refusing to load global '" + global
                + "': only tensors, storages and dicts are allowed"), viaStack.getMessage());
        assertEquals(FILE, viaStack.file());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "i|0x69 'i'", "o|0x6f 'o'", "\u0081|0x81", "\u0092|0x92", "\u0082|0x82", "P|0x50 'P'", "\u00ff|0xff"})
    void refusesOpcodesTorchDoesNotWrite(String opcode, String shown) {
        ModelFileException e = fails("\u0080\u0002" + opcode + "os\nsystem\n.");
        assertTrue(e.getMessage().contains("test.pkl byte 2: unsupported pickle opcode " + shown), e.getMessage());
    }

    static Stream<Arguments> malformedPickles() {
        String storagePid = "(X\u0007\u0000\u0000\u0000storage";
        String keyAndLocation = "X\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpu";
        return Stream.of(
                arguments("\u0080\u0006.", "pickle protocol 6 is not supported"),
                arguments("\u0080\u0002X\u0010\u0000\u0000\u0000abc.", "truncated: needs 16 bytes at byte 7, only 4 remain"),
                arguments("\u0080\u0002}", "without a STOP opcode"),
                arguments("\u0080\u0002cposix", "has no terminating newline"),
                arguments("\u0080\u0002h\u0005.", "memo entry 5 was never stored"),
                arguments("\u0080\u0002\u0085.", "stack underflow"),
                arguments("\u0080\u0002}(K\u0001K\u0002s.", "stack underflow"),
                arguments("\u0080\u0002u.", "no MARK on the stack"),
                arguments("\u0080\u0002K\u0001K\u0002.", "STOP with 2 values on the stack"),
                arguments("\u0080\u0002}]K\u0001s.", "dict key of type list is not supported"),
                arguments("\u0080\u0002)K\u0001a.", "appending to tuple, expected a list"),
                arguments("\u0080\u0002]}b.", "BUILD with dict state on list is not supported"),
                arguments("\u0080\u0002X\u0001\u0000\u0000\u0000\u00ff.", "not valid UTF-8"),
                arguments("\u0080\u0002\u008a\u0009\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001.",
                        "does not fit in 64 bits"),
                arguments("\u0080\u0002K\u0001)R.", "REDUCE on a value of type int, which is not callable"),
                arguments("\u0080\u0002ctorch\nFloatStorage\n)R.", "cannot call torch.FloatStorage"),
                arguments("\u0080\u0002ccollections\nOrderedDict\nK\u0001\u0085R.", "OrderedDict called with arguments"),
                arguments("\u0080\u0002ctorch._utils\n_rebuild_tensor_v2\nK\u0001\u0085R.",
                        "takes 6 or 7 arguments, got 1"),
                arguments("\u0080\u0002X\u0001\u0000\u0000\u0000xQ.",
                        "persistent id is not ('storage', type, key, location, numel)"),
                arguments("\u0080\u0002" + storagePid + "ccollections\nOrderedDict\n" + keyAndLocation + "K\u0004tQ.",
                        "names collections.OrderedDict where a storage class"),
                arguments("\u0080\u0002" + storagePid + "ctorch\nFloatStorage\n" + keyAndLocation
                        + "J\u00ff\u00ff\u00ff\u00fftQ.", "storage element count must be a non-negative int, found int -1"));
    }

    @ParameterizedTest
    @MethodSource("malformedPickles")
    void rejectsMalformedPickles(String pickle, String message) {
        ModelFileException e = fails(pickle);
        assertTrue(e.getMessage().startsWith(FILE + ": test.pkl "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Object read(String pickle) {
        return PickleReader.read(FILE, "test.pkl", pickle.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ModelFileException fails(String pickle) {
        return assertThrows(ModelFileException.class, () -> read(pickle));
    }
}
