package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.bert.checkpoint.DType;

/**
 * A storage a checkpoint pickle refers to by persistent id: its bytes live in the zip entry
 * {@code <dir>/data/<key>}, {@code numel} elements of {@code dtype}.
 *
 * @param key   the storage's key, the name of its entry under {@code data/}
 * @param dtype the element type its storage class implies
 * @param numel the number of elements the storage holds
 */
public record StorageRef(String key, DType dtype, long numel) {
}
