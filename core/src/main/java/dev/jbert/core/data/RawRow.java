package dev.jbert.core.data;

import java.util.List;

/**
 * A row as read, before its labels are checked against a label set.
 *
 * @param line   the line it starts on
 * @param text   the text
 * @param pair   the second text or null
 * @param labels the label as written (one entry; for multi-label any number), or null when unlabelled
 */
record RawRow(long line, String text, String pair, List<String> labels) {
}
