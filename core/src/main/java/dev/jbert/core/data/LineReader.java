package dev.jbert.core.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines of a UTF-8 file, split on {@code \n} only (a trailing {@code \r} is dropped), with a leading
 * byte order mark removed. Unlike {@link java.io.BufferedReader#readLine()} a lone {@code \r} stays
 * text, so line numbers match what editors and {@code wc -l} show.
 */
final class LineReader implements Closeable {

    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder line = new StringBuilder(256);
    private int position;
    private int limit;
    private long lineNumber;
    private boolean endOfFile;

    LineReader(Reader in) {
        this.in = in;
    }

    /** A reader over {@code file}, decoding strictly (malformed UTF-8 throws a CharacterCodingException). */
    static LineReader open(Path file) throws IOException {
        return new LineReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /** The next line without its terminator, or null at the end of the file. */
    String next() throws IOException {
        if (endOfFile) return null;
        line.setLength(0);
        boolean sawNewline = false;
        while (!sawNewline) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    endOfFile = true;
                    break;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') position++;
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++;
                sawNewline = true;
            }
        }
        if (endOfFile && line.length() == 0) return null;
        lineNumber++;
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') line.setLength(n - 1);
        if (lineNumber == 1 && line.length() > 0 && line.charAt(0) == '\uFEFF') line.deleteCharAt(0);
        return line.toString();
    }

    /** The 1-based number of the line {@link #next()} returned last. */
    long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
