package dev.jbert.bert.checkpoint.pickle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** A bounds-checked cursor over a whole pickle held in memory; pickle integers are little-endian. */
final class PickleInput {

    private final ByteBuffer buf;

    PickleInput(byte[] pickle) {
        this.buf = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    int position() {
        return buf.position();
    }

    boolean hasMore() {
        return buf.hasRemaining();
    }

    int u8() {
        require(1);
        return buf.get() & 0xff;
    }

    int u16() {
        require(2);
        return buf.getShort() & 0xffff;
    }

    int s32() {
        require(4);
        return buf.getInt();
    }

    long u32() {
        return s32() & 0xffffffffL;
    }

    long s64() {
        require(8);
        return buf.getLong();
    }

    /** BINFLOAT is the one big-endian number in the format. */
    double f64BigEndian() {
        require(8);
        return Double.longBitsToDouble(Long.reverseBytes(buf.getLong()));
    }

    byte[] bytes(long n) {
        if (n < 0 || n > buf.remaining()) {
            throw truncated(n);
        }
        byte[] b = new byte[(int) n];
        buf.get(b);
        return b;
    }

    void skip(int n) {
        require(n);
        buf.position(buf.position() + n);
    }

    String utf8(long n) {
        return decode(bytes(n));
    }

    /** A newline-terminated line, as GLOBAL writes module and name. */
    String line() {
        int start = buf.position();
        for (int i = start; i < buf.limit(); i++) {
            if (buf.get(i) == '\n') {
                String s = decode(bytes(i - start));
                buf.get();
                return s;
            }
        }
        throw new PickleException("line starting at byte " + start + " has no terminating newline");
    }

    private static String decode(byte[] b) {
        try {
            // strict decoding: a replaced character would silently rename a tensor
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PickleException("string is not valid UTF-8");
        }
    }

    private void require(long n) {
        if (n > buf.remaining()) {
            throw truncated(n);
        }
    }

    private PickleException truncated(long n) {
        return new PickleException("truncated: needs " + n + " bytes at byte " + buf.position() + ", only "
                + buf.remaining() + " remain");
    }
}
