package dev.jbert.bert.checkpoint.pickle;

import dev.jbert.bert.checkpoint.DType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the allowed globals do when a pickle calls them, and what a persistent id means, re-done
 * as plain data: argument lists are checked against torch's own signatures, never executed.
 */
final class TorchRebuild {

    private TorchRebuild() {
    }

    /** The result of REDUCE on an allowed global. */
    static Object call(TorchGlobal callable, Object args) {
        if (!(args instanceof List<?> list)) {
            throw new PickleException(callable.qualifiedName() + " called with arguments of type "
                    + PickleReader.typeName(args) + ", expected a tuple");
        }
        return switch (callable) {
            case ORDERED_DICT -> orderedDict(list);
            case REBUILD_TENSOR_V2 -> tensor(list);
            case REBUILD_PARAMETER -> parameter(list);
            default -> throw new PickleException("cannot call " + callable.qualifiedName()
                    + ": storage classes may only appear in persistent ids");
        };
    }

    /** torch.save's persistent id: {@code ('storage', storage class, key, location, numel)}. */
    static StorageRef storage(Object pid) {
        if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new PickleException("persistent id is not ('storage', type, key, location, numel)");
        }
        DType dtype = t.get(1) instanceof TorchGlobal g ? g.storageType().orElse(null) : null;
        if (dtype == null) {
            throw new PickleException("persistent id names " + PickleReader.typeName(t.get(1))
                    + " where a storage class such as torch.FloatStorage belongs");
        }
        if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String)) {
            throw new PickleException("storage key and location must be strings");
        }
        return new StorageRef(key, dtype, nonNegative(t.get(4), "storage element count"));
    }

    private static Map<Object, Object> orderedDict(List<?> args) {
        if (!args.isEmpty()) {
            throw new PickleException("collections.OrderedDict called with arguments; expected () as torch.save writes");
        }
        return new LinkedHashMap<>();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static PickledTensor tensor(List<?> a) {
        if (a.size() != 6 && a.size() != 7) {
            throw new PickleException("torch._utils._rebuild_tensor_v2 takes 6 or 7 arguments, got " + a.size());
        }
        if (!(a.get(0) instanceof StorageRef storage)) {
            throw new PickleException("torch._utils._rebuild_tensor_v2 got " + PickleReader.typeName(a.get(0))
                    + " where a storage belongs");
        }
        long offset = nonNegative(a.get(1), "storage offset");
        long[] shape = longs(a.get(2), "size");
        long[] stride = longs(a.get(3), "stride");
        // hooks can only be non-empty by naming functions, which the allow-list already refuses
        if (!(a.get(4) instanceof Boolean) || !(a.get(5) instanceof Map)
                || (a.size() == 7 && !(a.get(6) instanceof Map))) {
            throw new PickleException("torch._utils._rebuild_tensor_v2: requires_grad must be a bool and "
                    + "backward hooks and metadata dicts");
        }
        return new PickledTensor(storage, offset, shape, stride);
    }

    /** {@code _rebuild_parameter(data, requires_grad, hooks)}: a parameter is its tensor here. */
    private static PickledTensor parameter(List<?> a) {
        if (a.size() != 3 || !(a.get(0) instanceof PickledTensor t) || !(a.get(1) instanceof Boolean)
                || !(a.get(2) instanceof Map)) {
            throw new PickleException("torch._utils._rebuild_parameter expects (tensor, requires_grad, hooks)");
        }
        return t;
    }

    private static long[] longs(Object tuple, String what) {
        if (!(tuple instanceof List<?> items)) {
            throw new PickleException("tensor " + what + " is of type " + PickleReader.typeName(tuple) + ", expected a tuple");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(items.get(i), "tensor " + what + " entry");
        }
        return out;
    }

    private static long nonNegative(Object v, String what) {
        if (!(v instanceof Long n) || n < 0) {
            throw new PickleException(what + " must be a non-negative int, found " + PickleReader.typeName(v)
                    + (v instanceof Long ? " " + v : ""));
        }
        return n;
    }
}
