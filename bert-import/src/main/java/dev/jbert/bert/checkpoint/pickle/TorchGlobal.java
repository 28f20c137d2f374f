package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.bert.checkpoint.DType;

import java.util.Arrays;
import java.util.Optional;

/**
 * The allow-list: the only globals a checkpoint pickle may name. Anything else, however harmless
 * it looks, is refused when named, because naming a global is how a pickle runs code.
 */
enum TorchGlobal {
    ORDERED_DICT("collections", "OrderedDict", null),
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter", null),
    FLOAT_STORAGE("torch", "FloatStorage", DType.F32),
    DOUBLE_STORAGE("torch", "DoubleStorage", DType.F64),
    HALF_STORAGE("torch", "HalfStorage", DType.F16),
    BFLOAT16_STORAGE("torch", "BFloat16Storage", DType.BF16),
    LONG_STORAGE("torch", "LongStorage", DType.I64),
    INT_STORAGE("torch", "IntStorage", DType.I32),
    SHORT_STORAGE("torch", "ShortStorage", DType.I16),
    CHAR_STORAGE("torch", "CharStorage", DType.I8),
    BYTE_STORAGE("torch", "ByteStorage", DType.U8),
    BOOL_STORAGE("torch", "BoolStorage", DType.BOOL);

    private final String module;
    private final String name;
    private final DType storageType;

    TorchGlobal(String module, String name, DType storageType) {
        this.module = module;
        this.name = name;
        this.storageType = storageType;
    }

    static Optional<TorchGlobal> find(String module, String name) {
        // module and name compared apart: 'torch' + '_utils.x' must not pass for 'torch._utils' + 'x'
        return Arrays.stream(values()).filter(g -> g.module.equals(module) && g.name.equals(name)).findFirst();
    }

    /** {@code module.name}, as Python spells it. */
    String qualifiedName() {
        return module + "." + name;
    }

    /** The element type of a storage class, or empty for the callables. */
    Optional<DType> storageType() {
        return Optional.ofNullable(storageType);
    }
}
