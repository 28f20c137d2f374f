package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.bert.checkpoint.DType;

/**
 * A storage a checkpoint pickle refers to by persistent id: its bytes live in the zip entry
 * {@code <dir>/data/<key>}, {@code numel} elements of {@code dtype}.
 */
public record StorageRef(String key, DType dtype, long numel) {
}
