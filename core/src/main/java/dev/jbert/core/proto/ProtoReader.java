package dev.jbert.core.proto;

import dev.jbert.core.ModelFileException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A reader of the protobuf wire format over a byte range of a buffer (usually a memory-mapped
 * file), just enough to walk the messages of ONNX and SentencePiece model files without the
 * protobuf runtime and its generated classes. Each message is read
 * field by field: {@link #next()} reads a tag, then one typed read or {@link #skip()} consumes
 * its value. Nothing is copied: nested messages and byte fields are views of the same buffer.
 *
 * <p>Every malformation (a varint over 64 bits, a length past the end of its enclosing message,
 * field number 0, wire types 6 and 7, an unbalanced group, a value of the wrong wire type for a
 * known field) is a {@link ModelFileException} naming the file, the message type and the byte
 * offset.
 *
 * <p>Not thread-safe: a reader is a cursor, for one thread. It reads the buffer only at absolute offsets, so distinct
 * readers over one buffer, nested ones included, may run on different threads.
 */
public final class ProtoReader {

    /** Wire type 0: a varint (int32, int64, uint32, uint64, sint32, sint64, bool, enum). */
    public static final int VARINT = 0;
    /** Wire type 1: 8 little-endian bytes (fixed64, sfixed64, double). */
    public static final int FIXED64 = 1;
    /** Wire type 2: a varint length, then that many bytes (string, bytes, embedded message, packed repeated field). */
    public static final int LENGTH_DELIMITED = 2;
    /** Wire type 3: the start of a group (deprecated in protobuf); skipped. */
    public static final int START_GROUP = 3;
    /** Wire type 4: the end of a group. */
    public static final int END_GROUP = 4;
    /** Wire type 5: 4 little-endian bytes (fixed32, sfixed32, float). */
    public static final int FIXED32 = 5;

    private static final int MAX_FIELD_NUMBER = (1 << 29) - 1;
    /** Nested groups deeper than this are in no format read here; the limit bounds the recursion. */
    private static final int MAX_GROUP_DEPTH = 64;

    private final Path file;
    private final String format;
    private final ByteBuffer buf;
    private final String message;
    private final int end;
    private int pos;
    private int field;
    private int wireType = -1;
    private int tagOffset;

    /**
     * Reads {@code buf} from its position to its limit as one message of type {@code message}.
     *
     * @param file    the file the buffer holds, for error messages
     * @param buf     the bytes; its position and limit are not changed
     * @param message the message type, for error messages ("ModelProto")
     * @param format  what the file should be, for error messages ("an ONNX model")
     */
    public ProtoReader(Path file, ByteBuffer buf, String message, String format) {
        this(file, format, buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), buf.position(), buf.limit(), message);
    }

    private ProtoReader(Path file, String format, ByteBuffer buf, int start, int end, String message) {
        this.file = file;
        this.format = format;
        this.buf = buf;
        this.message = message;
        this.pos = start;
        this.end = end;
    }

    /**
     * Reads the next tag; false at the end of the message. Call exactly one read or
     * {@link #skip()} after each true.
     *
     * @return whether a tag was read
     * @throws ModelFileException if the tag is malformed
     */
    public boolean next() {
        if (pos >= end) return false;
        tagOffset = pos;
        long key = readRawVarint();
        long number = key >>> 3;
        int wire = (int) (key & 7);
        if (number == 0) throw error(tagOffset, "field number 0 is not allowed");
        if (number > MAX_FIELD_NUMBER) throw error(tagOffset, "field number " + number + " exceeds the protobuf maximum " + MAX_FIELD_NUMBER);
        if (wire > FIXED32) throw error(tagOffset, "wire type " + wire + " of field " + number + " does not exist (0-5 are defined)");
        field = (int) number;
        wireType = wire;
        return true;
    }

    /**
     * The file being read, for error messages.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * The field number of the current tag.
     *
     * @return the field number, at least 1
     */
    public int field() {
        return field;
    }

    /**
     * The wire type of the current tag.
     *
     * @return one of the wire type constants
     */
    public int wireType() {
        return wireType;
    }

    /**
     * Byte offset of the current tag in the buffer, for error messages.
     *
     * @return the offset, in bytes
     */
    public int tagOffset() {
        return tagOffset;
    }

    /**
     * A varint field (int32, int64, uint64, enum, bool). int32 values come back sign-extended.
     *
     * @return the value
     * @throws ModelFileException if the field is not a varint or the varint is malformed
     */
    public long varint() {
        expect(VARINT);
        return readRawVarint();
    }

    /**
     * A 32-bit field (fixed32, sfixed32, float), as raw bits.
     *
     * @return the 32 bits
     * @throws ModelFileException if the field has another wire type or the message ends first
     */
    public int fixed32() {
        expect(FIXED32);
        need(4);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    /**
     * A 64-bit field (fixed64, sfixed64, double), as raw bits.
     *
     * @return the 64 bits
     * @throws ModelFileException if the field has another wire type or the message ends first
     */
    public long fixed64() {
        expect(FIXED64);
        need(8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    /**
     * A length-delimited field as a little-endian view (position 0, no copy).
     *
     * @return the field's bytes, from position 0 to its limit
     * @throws ModelFileException if the field is not length-delimited or runs past the message's end
     */
    public ByteBuffer bytes() {
        expect(LENGTH_DELIMITED);
        int len = readLength();
        ByteBuffer slice = buf.duplicate();
        slice.limit(pos + len).position(pos);
        pos += len;
        return slice.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A string field, decoded as UTF-8.
     *
     * @return the string
     * @throws ModelFileException if the field is not length-delimited or runs past the message's end
     */
    public String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /**
     * An embedded message field, read by a new reader over its bytes.
     *
     * @param type the embedded message's type, for error messages
     * @return a reader positioned before the embedded message's first tag
     * @throws ModelFileException if the field is not length-delimited or runs past the message's end
     */
    public ProtoReader message(String type) {
        expect(LENGTH_DELIMITED);
        int len = readLength();
        ProtoReader r = new ProtoReader(file, format, buf, pos, pos + len, type);
        pos += len;
        return r;
    }

    /**
     * A repeated varint field, packed (one length-delimited run) or not (one value per tag);
     * protobuf parsers must accept both.
     *
     * @param out receives each value, in order
     */
    public void varints(java.util.function.LongConsumer out) {
        if (wireType == LENGTH_DELIMITED) {
            int len = readLength();
            ProtoReader run = new ProtoReader(file, format, buf, pos, pos + len, message);
            while (run.pos < run.end) out.accept(run.readRawVarint());
            pos += len;
        } else {
            out.accept(varint());
        }
    }

    /** Skips the current field's value, whatever its wire type. */
    public void skip() {
        skip(0);
    }

    private void skip(int depth) {
        switch (wireType) {
            case VARINT -> readRawVarint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            case LENGTH_DELIMITED -> advance(readLength());
            case START_GROUP -> skipGroup(field, depth + 1);
            case END_GROUP -> throw error(tagOffset, "end-group tag of field " + field + " without a matching start-group");
            default -> throw new IllegalStateException("skip() before next()");
        }
    }

    private void skipGroup(int groupField, int depth) {
        if (depth > MAX_GROUP_DEPTH) throw error(tagOffset, "groups nested more than " + MAX_GROUP_DEPTH + " deep");
        int start = tagOffset;
        while (true) {
            if (!next()) throw error(start, "group of field " + groupField + " is not terminated before the end of the message");
            if (wireType == END_GROUP) {
                if (field != groupField) {
                    throw error(tagOffset, "group of field " + groupField + " closed by an end-group tag of field " + field);
                }
                return;
            }
            skip(depth);
        }
    }

    /**
     * A ModelFileException about the current field, for callers that find its value wrong.
     *
     * @param what what is wrong with the value
     * @return the exception, naming the file, message type, byte offset and field, for the caller to throw
     */
    public ModelFileException invalid(String what) {
        return error(tagOffset, "field " + field + ": " + what);
    }

    private void expect(int wire) {
        if (wireType != wire) {
            throw error(tagOffset, "field " + field + " has wire type " + wireType + " (" + wireName(wireType)
                    + "), expected " + wire + " (" + wireName(wire) + ")");
        }
    }

    private long readRawVarint() {
        int start = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw error(start, "truncated varint: the message ends inside it");
            int b = buf.get(pos++) & 0xff;
            if (shift == 63 && (b & 0xfe) != 0) {
                throw error(start, "varint longer than 64 bits (its 10th byte is 0x" + Integer.toHexString(b) + ")");
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new AssertionError("unreachable");
    }

    private int readLength() {
        int start = pos;
        long len = readRawVarint();
        if (len < 0 || len > end - pos) {
            throw error(start, "field " + field + " declares " + Long.toUnsignedString(len) + " bytes but only " + (end - pos)
                    + " remain in the enclosing " + message);
        }
        return (int) len;
    }

    private void need(int n) {
        if (end - pos < n) {
            throw error(pos, "field " + field + " needs " + n + " bytes but only " + (end - pos) + " remain in the enclosing " + message);
        }
    }

    private void advance(int n) {
        need(n);
        pos += n;
    }

    private ModelFileException error(int offset, String what) {
        return new ModelFileException(file, "malformed protobuf in " + message + " at byte " + offset + ": " + what
                + " (the file is truncated, corrupt, or not " + format + ")");
    }

    private static String wireName(int wire) {
        return switch (wire) {
            case VARINT -> "varint";
            case FIXED64 -> "64-bit";
            case LENGTH_DELIMITED -> "length-delimited";
            case START_GROUP -> "start group";
            case END_GROUP -> "end group";
            case FIXED32 -> "32-bit";
            default -> "invalid";
        };
    }
}
