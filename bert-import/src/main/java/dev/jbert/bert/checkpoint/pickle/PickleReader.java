package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.core.ModelFileException;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted unpickler for the {@code data.pkl} of a PyTorch checkpoint: it interprets the
 * pickle opcodes {@code torch.save} writes (protocols 2 to 5) as data only. Globals are looked up
 * in a fixed allow-list of torch's tensor-rebuilding functions, storage classes and
 * {@code collections.OrderedDict}; any other global is refused the moment it is named, and any
 * other opcode the moment it is met, so nothing in the file can cause code to run.
 *
 * <p>Values come back as plain Java objects: dict and OrderedDict as {@link LinkedHashMap} (in
 * pickle order), list as {@link ArrayList}, tuple as an unmodifiable {@link List}, str as
 * {@link String}, int as {@link Long}, float as {@link Double}, bool as {@link Boolean}, None as
 * {@code null}, tensors as {@link PickledTensor} and storages as {@link StorageRef}.
 */
public final class PickleReader {

    private static final int MARK = '(';
    private static final int STOP = '.';
    private static final int BINFLOAT = 'G';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int NONE = 'N';
    private static final int BINPERSID = 'Q';
    private static final int REDUCE = 'R';
    private static final int BINUNICODE = 'X';
    private static final int APPEND = 'a';
    private static final int BUILD = 'b';
    private static final int GLOBAL = 'c';
    private static final int APPENDS = 'e';
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int SETITEM = 's';
    private static final int TUPLE = 't';
    private static final int SETITEMS = 'u';
    private static final int EMPTY_DICT = '}';
    private static final int EMPTY_LIST = ']';
    private static final int EMPTY_TUPLE = ')';
    private static final int PROTO = 0x80;
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int LONG1 = 0x8a;
    private static final int SHORT_BINUNICODE = 0x8c;
    private static final int BINUNICODE8 = 0x8d;
    private static final int STACK_GLOBAL = 0x93;
    private static final int MEMOIZE = 0x94;
    private static final int FRAME = 0x95;

    private final Path file;
    private final String entry;
    private final PickleInput in;
    private final List<Object> stack = new ArrayList<>();
    /** Stack heights at each open MARK: as in CPython, no opcode may pop below the innermost one. */
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PickleReader(Path file, String entry, byte[] pickle) {
        this.file = file;
        this.entry = entry;
        this.in = new PickleInput(pickle);
    }

    /**
     * Unpickles {@code pickle}, the bytes of {@code entry} (a zip entry name, say) in {@code file};
     * both name the input in errors. Throws {@link ModelFileException} on a refused global or
     * opcode and on any malformed input, with the byte position.
     *
     * @param file   the checkpoint file, for errors
     * @param entry  the entry the bytes come from, e.g. {@code archive/data.pkl}, for errors
     * @param pickle the whole pickle
     * @return the unpickled value, as the class comment maps Python types to Java
     */
    public static Object read(Path file, String entry, byte[] pickle) {
        return new PickleReader(file, entry, pickle).run();
    }

    /**
     * The Python type of an unpickled value, for error messages.
     *
     * @param value a value {@link #read} returned, or part of one
     * @return the Python type name ({@code dict}, {@code tuple}, {@code tensor}, ...), a global's qualified name, or
     *         the Java class's simple name for anything else
     */
    public static String typeName(Object value) {
        if (value == null) return "None";
        if (value instanceof String) return "str";
        if (value instanceof Long) return "int";
        if (value instanceof Double) return "float";
        if (value instanceof Boolean) return "bool";
        if (value instanceof Map) return "dict";
        if (value instanceof ArrayList) return "list";
        if (value instanceof List) return "tuple";
        if (value instanceof StorageRef) return "storage";
        if (value instanceof PickledTensor) return "tensor";
        if (value instanceof TorchGlobal g) return g.qualifiedName();
        return value.getClass().getSimpleName();
    }

    private Object run() {
        while (in.hasMore()) {
            int at = in.position();
            int op = in.u8();
            try {
                if (op == STOP) {
                    return stop();
                }
                execute(op);
            } catch (PickleException e) {
                throw new ModelFileException(file, entry + " byte " + at + ": " + e.getMessage());
            }
        }
        throw new ModelFileException(file, entry + " ends at byte " + in.position() + " without a STOP opcode (truncated?)");
    }

    private void execute(int op) {
        switch (op) {
            case PROTO -> {
                int version = in.u8();
                if (version < 2 || version > 5) {
                    throw new PickleException("pickle protocol " + version + " is not supported, expected 2 to 5");
                }
            }
            // frames only help a streaming reader; this one holds the whole pickle already
            case FRAME -> in.skip(8);
            case MARK -> marks.push(stack.size());
            case EMPTY_DICT -> push(new LinkedHashMap<>());
            case EMPTY_LIST -> push(new ArrayList<>());
            case EMPTY_TUPLE -> push(List.of());
            case TUPLE -> push(tuple(popMark()));
            case TUPLE1 -> push(tuple(pop(1)));
            case TUPLE2 -> push(tuple(pop(2)));
            case TUPLE3 -> push(tuple(pop(3)));
            case BINUNICODE -> push(in.utf8(in.u32()));
            case SHORT_BINUNICODE -> push(in.utf8(in.u8()));
            case BINUNICODE8 -> push(in.utf8(in.s64()));
            case BININT -> push((long) in.s32());
            case BININT1 -> push((long) in.u8());
            case BININT2 -> push((long) in.u16());
            case LONG1 -> push(long1());
            case BINFLOAT -> push(in.f64BigEndian());
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case NONE -> push(null);
            case SETITEM -> {
                Object value = pop();
                Object key = pop();
                dict(peek()).put(hashable(key), value);
            }
            case SETITEMS -> setItems(popMark());
            case APPEND -> {
                Object value = pop();
                list(peek()).add(value);
            }
            case APPENDS -> {
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case BINPUT -> memo.put((long) in.u8(), peek());
            case LONG_BINPUT -> memo.put(in.u32(), peek());
            case MEMOIZE -> memo.put((long) memo.size(), peek());
            case BINGET -> push(memoGet(in.u8()));
            case LONG_BINGET -> push(memoGet(in.u32()));
            case GLOBAL -> {
                String module = in.line();
                String name = in.line();
                push(global(module, name));
            }
            case STACK_GLOBAL -> {
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL needs two strings, found " + typeName(module) + " and "
                            + typeName(name));
                }
                push(global(m, n));
            }
            case REDUCE -> {
                Object args = pop();
                Object callable = pop();
                if (!(callable instanceof TorchGlobal g)) {
                    throw new PickleException("REDUCE on a value of type " + typeName(callable) + ", which is not callable");
                }
                push(TorchRebuild.call(g, args));
            }
            case BUILD -> {
                Object state = pop();
                build(peek(), state);
            }
            case BINPERSID -> push(TorchRebuild.storage(pop()));
            default -> throw new PickleException(String.format("unsupported pickle opcode 0x%02x%s", op,
                    op >= 0x21 && op < 0x7f ? " '" + (char) op + "'" : "")
                    + "; torch.save never writes it");
        }
    }

    private static TorchGlobal global(String module, String name) {
        return TorchGlobal.find(module, name).orElseThrow(() -> new PickleException("refusing to load global '"
                + module + "." + name + "': only tensors, storages and dicts are allowed"));
    }

    /**
     * BUILD sets instance attributes. torch state dicts carry their {@code _metadata} version
     * table that way; attributes are not dict items, so there is nothing to keep.
     */
    private static void build(Object target, Object state) {
        if (!(target instanceof Map) || !(state == null || state instanceof Map)) {
            throw new PickleException("BUILD with " + typeName(state) + " state on " + typeName(target)
                    + " is not supported; only attribute dicts on dicts are");
        }
    }

    private void setItems(List<Object> keysAndValues) {
        if (keysAndValues.size() % 2 != 0) {
            throw new PickleException("SETITEMS with an odd number (" + keysAndValues.size() + ") of keys and values");
        }
        Map<Object, Object> dict = dict(peek());
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            dict.put(hashable(keysAndValues.get(i)), keysAndValues.get(i + 1));
        }
    }

    /** LONG1: a little-endian two's-complement integer of up to 255 bytes; only 64 bits fit. */
    private long long1() {
        int n = in.u8();
        if (n > 8) {
            throw new PickleException("LONG1 integer of " + n + " bytes does not fit in 64 bits");
        }
        byte[] b = in.bytes(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        if (n > 0 && n < 8 && b[n - 1] < 0) {
            v -= 1L << (8 * n);
        }
        return v;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw new PickleException("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    /**
     * Only immutable scalars may be keys: Python refuses lists and dicts as keys, and a tuple may
     * hold a list that holds the tuple, which would send hashCode into endless recursion.
     */
    private static Object hashable(Object key) {
        if (key == null || key instanceof String || key instanceof Long || key instanceof Double
                || key instanceof Boolean) {
            return key;
        }
        throw new PickleException("dict key of type " + typeName(key) + " is not supported");
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object target) {
        if (!(target instanceof Map)) {
            throw new PickleException("setting items on " + typeName(target) + ", expected a dict");
        }
        return (Map<Object, Object>) target;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object target) {
        if (!(target instanceof ArrayList)) {
            throw new PickleException("appending to " + typeName(target) + ", expected a list");
        }
        return (List<Object>) target;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    private Object stop() {
        if (stack.size() != 1 || !marks.isEmpty()) {
            throw new PickleException("STOP with " + stack.size() + " values on the stack and " + marks.size()
                    + " open MARKs, expected exactly one value");
        }
        return stack.get(0);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object peek() {
        requireAboveMark(1);
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        requireAboveMark(1);
        return stack.remove(stack.size() - 1);
    }

    /** The top {@code n} values, bottom first. */
    private List<Object> pop(int n) {
        requireAboveMark(n);
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(top);
        top.clear();
        return out;
    }

    /** Everything above the innermost MARK, bottom first; the MARK goes too. */
    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw new PickleException("no MARK on the stack");
        }
        int height = marks.pop();
        List<Object> top = stack.subList(height, stack.size());
        List<Object> out = new ArrayList<>(top);
        top.clear();
        return out;
    }

    private void requireAboveMark(int n) {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() - floor < n) {
            throw new PickleException("stack underflow: needs " + n + " values, " + (stack.size() - floor)
                    + (marks.isEmpty() ? " on the stack" : " above the last MARK"));
        }
    }
}
