"""Writes the hand-made pickle and torch-zip test inputs in this folder (python3, stdlib only).

Run once from this folder; the outputs are committed, so the tests never need Python. torch is
not installed: a stand-in module named 'torch' makes the standard pickler write the very same
globals and persistent ids that torch.save writes (see torch/serialization.py and
torch/_tensor.py). Expected values in strided.json are computed here from the matrix by plain
list indexing, independently of the Java reader.
"""
import collections
import json
import os
import pickle
import struct
import subprocess
import sys
import types
import zipfile

# --- a stand-in for the parts of torch that torch.save refers to by name ---------------------
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _stand_in(module, name):
    def f(*args):
        raise AssertionError("stand-in, never called")
    f.__module__, f.__name__, f.__qualname__ = module.__name__, name, name
    setattr(module, name, f)
    return f


_rebuild_tensor_v2 = _stand_in(torch_utils, "_rebuild_tensor_v2")
_rebuild_parameter = _stand_in(torch_utils, "_rebuild_parameter")


def _storage_class(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(torch, name, cls)
    return cls


FloatStorage = _storage_class("FloatStorage")
HalfStorage = _storage_class("HalfStorage")
LongStorage = _storage_class("LongStorage")


class Storage:
    def __init__(self, storage_class, key, fmt, values):
        self.storage_class, self.key, self.values = storage_class, key, values
        self.data = struct.pack("<%d%s" % (len(values), fmt), *values)


class Tensor:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride

    def __reduce__(self):  # what torch.Tensor.__reduce_ex__ returns for a CPU tensor
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.shape),
                                     tuple(self.stride), False, collections.OrderedDict()))


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce__(self):  # what torch.nn.Parameter.__reduce_ex__ returns
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):  # torch.serialization._save's persistent_id
        if isinstance(obj, Storage):
            return ("storage", obj.storage_class, obj.key, "cpu", len(obj.values))
        return None


def write_torch_zip(path, obj, protocol, storages):
    import io
    buf = io.BytesIO()
    TorchPickler(buf, protocol=protocol).dump(obj)
    write_zip(path, buf.getvalue(), storages)


def write_zip(path, data_pkl, storages=()):
    entries = [("archive/data.pkl", data_pkl), ("archive/byteorder", b"little")]
    entries += [("archive/data/" + s.key, s.data) for s in storages]
    entries.append(("archive/version", b"3\n"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            # a fixed timestamp keeps the outputs byte-identical from run to run
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)


# --- strided-p2.bin / strided-p4.bin: views that are not plain contiguous tensors -------------
M = [[1.0, -2.5, 3.25],
     [4.5, 0.125, -6.0],
     [7.75, 8.0, -9.5],
     [10.0, 11.5, -0.375]]  # 4x3, stored row-major
floats = Storage(FloatStorage, "0", "f", [x for row in M for x in row])
halves = Storage(HalfStorage, "1", "e", [1.0, -2.5, 2.0 ** -14, 65504.0, 2.0 ** -24, -0.0])
longs = Storage(LongStorage, "2", "q", [-3, 7, 2 ** 40])
empty = Storage(FloatStorage, "3", "f", [])

state = collections.OrderedDict()
state["transposed"] = Tensor(floats, 0, [3, 4], [1, 3])
state["column"] = Tensor(floats, 1, [4], [3])
state["scalar"] = Tensor(floats, 7, [], [])
state["broadcast"] = Tensor(floats, 3, [2, 3], [0, 1])
state["half"] = Tensor(halves, 0, [2, 3], [3, 1])
state["param"] = Parameter(Tensor(longs, 0, [3], [1]))
state["empty"] = Tensor(empty, 0, [0, 4], [4, 1])
# torch.nn.Module.state_dict() hangs its version table on the OrderedDict as an attribute
state._metadata = collections.OrderedDict([("", {"version": 1}), ("encoder", {"version": 1})])

for protocol in (2, 4):
    write_torch_zip("strided-p%d.bin" % protocol, state, protocol, [floats, halves, longs, empty])

expected = {
    "transposed": {"dtype": "F32", "shape": [3, 4], "values": [M[r][c] for c in range(3) for r in range(4)]},
    "column": {"dtype": "F32", "shape": [4], "values": [M[r][1] for r in range(4)]},
    "scalar": {"dtype": "F32", "shape": [], "values": [M[2][1]]},
    "broadcast": {"dtype": "F32", "shape": [2, 3], "values": M[1] + M[1]},
    "half": {"dtype": "F16", "shape": [2, 3], "values": halves.values},
    "param": {"dtype": "I64", "shape": [3], "values": [float(v) for v in longs.values]},
    "empty": {"dtype": "F32", "shape": [0, 4], "values": []},
}
with open("strided.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")

# --- overrun.bin: a view reaching past the end of its storage ---------------------------------
four = Storage(FloatStorage, "0", "f", [1.0, 2.0, 3.0, 4.0])
write_torch_zip("overrun.bin", {"too_long": Tensor(four, 2, [4], [1])}, 2, [four])

# --- conflicting-storage.bin: two tensors declaring one storage with different types ----------
as_float = Storage(FloatStorage, "0", "f", [1.0, 2.0])
as_half = Storage(HalfStorage, "0", "e", [1.0, 2.0])
write_torch_zip("conflicting-storage.bin",
                {"a": Tensor(as_float, 0, [2], [1]), "b": Tensor(as_half, 0, [2], [1])}, 2, [as_float])


# --- evil-*.bin: pickles that run a command when Python's pickle loads them -------------------
class Call:
    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


touch = Call(os.system, "touch /tmp/pwned")  # os.system pickles as 'posix system' on Linux
p2 = pickle.dumps({"bert.embeddings.word_embeddings.weight": touch}, protocol=2)
write_zip("evil-posix-system-p2.bin", p2)
write_zip("evil-os-system-p2.bin", p2.replace(b"cposix\nsystem\n", b"cos\nsystem\n"))
write_zip("evil-posix-system-p4.bin",
          pickle.dumps({"bert.embeddings.word_embeddings.weight": touch}, protocol=4))
write_zip("evil-builtins-eval-p3.bin",
          pickle.dumps({"w": Call(eval, "__import__('os').system('touch /tmp/pwned')")}, protocol=3))
# the payload comes after a valid tensor, so refusing only the first value would not be enough
ok = Storage(FloatStorage, "0", "f", [1.0])
write_torch_zip("evil-subprocess-popen-p4.bin",
                {"ok": Tensor(ok, 0, [1], [1]), "w": Call(subprocess.Popen, ["touch", "/tmp/pwned"])},
                4, [ok])

# --- values-p*.pkl: plain Python values through the standard pickler -------------------------
shared = [7]
values = {
    "str": "h\u00e9llo \u2713",
    "ints": [0, 1, 255, 256, 65535, 65536, -1, -2 ** 31, 2 ** 31 - 1, 2 ** 40, -2 ** 63, 2 ** 63 - 1],
    "floats": [1.5, -0.0, 1e300],
    "flags": (True, False, None),
    "tuples": {"t0": (), "t1": (1,), "t2": (1, 2), "t3": (1, 2, 3), "t4": (1, 2, 3, 4)},
    "shared": [shared, shared],
    "many": ["s%d" % i for i in range(300)],
}
for protocol in (2, 4, 5):
    with open("values-p%d.pkl" % protocol, "wb") as f:
        pickle.dump(values, f, protocol=protocol)
