package dev.jbert.bert.checkpoint;

import dev.jbert.bert.checkpoint.pickle.PickleReader;
import dev.jbert.bert.checkpoint.pickle.PickledTensor;
import dev.jbert.bert.checkpoint.pickle.StorageRef;
import dev.jbert.core.ModelFileException;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint ({@code pytorch_model.bin}) in the zip format {@code torch.save} writes
 * since PyTorch 1.6: one top directory holding {@code data.pkl}, a pickled state dict whose
 * tensors refer to storages by key, and {@code data/<key>}, each storage's raw bytes.
 *
 * <p>The pickle is interpreted by {@link PickleReader}, which only rebuilds dicts, tensors and
 * plain values and refuses everything else, so opening an untrusted file runs no code. On open
 * every tensor is checked against its storage entry (present, of the declared size, large enough
 * for the tensor's view); {@link #readFloat32} later reads just the bytes the tensor views,
 * straight from the zip entry, and gathers strided views into row-major order.
 *
 * <p>Only little-endian checkpoints are supported: a {@code byteorder} entry saying {@code big}
 * is refused rather than converted, since no tool in this project's path writes one.
 *
 * <p>Thread-safe for reading: the tensor table is fixed on open and each read opens its own stream of the zip.
 * Close it only once every read has finished.
 */
public final class PytorchCheckpointFile implements CheckpointFile {

    private static final Pattern DATA_PKL = Pattern.compile("([^/]+)/data\\.pkl");
    /** data.pkl holds names and shapes, tens of bytes per tensor; more than this is not a state dict. */
    private static final int MAX_PICKLE_BYTES = 256 << 20;
    /** The largest array a JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path path;
    private final ZipFile zip;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Map<String, Stored> stored = new HashMap<>();

    /** A tensor's view of a storage, and the zip entry holding that storage. */
    private record Stored(PickledTensor view, ZipEntry entry) {
    }

    private PytorchCheckpointFile(Path path, ZipFile zip) {
        this.path = path;
        this.zip = zip;
        String dir = archiveDir();
        checkByteOrder(dir);
        String pkl = dir + "/data.pkl";
        Object root = PickleReader.read(path, pkl, readSmall(zip.getEntry(pkl), MAX_PICKLE_BYTES));
        if (!(root instanceof Map<?, ?> dict)) {
            throw error(pkl + " holds a value of type " + PickleReader.typeName(root)
                    + ", expected a dict of tensors (a state dict)");
        }
        Map<String, StorageRef> storages = new HashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw error(pkl + " has a key of type " + PickleReader.typeName(e.getKey()) + ", expected tensor names");
            }
            if (!(e.getValue() instanceof PickledTensor view)) {
                throw error("'" + name + "' in " + pkl + " is of type " + PickleReader.typeName(e.getValue())
                        + ", expected a tensor");
            }
            ZipEntry entry = storageEntry(dir, name, view, storages);
            tensors.put(name, new TensorInfo(name, view.storage().dtype(), view.shape()));
            stored.put(name, new Stored(view, entry));
        }
    }

    /**
     * Opens a PyTorch zip checkpoint and validates its tensor table. Throws
     * {@link ModelFileException} naming the file when it is missing, not a zip (or a pre-1.6
     * checkpoint), names a global outside the allow-list, or disagrees with its storages.
     *
     * @param path the {@code .bin}, {@code .pt} or {@code .pth} zip
     * @return the open file, which the caller closes
     */
    public static PytorchCheckpointFile open(Path path) {
        ZipFile zip = openZip(path);
        try {
            return new PytorchCheckpointFile(path, zip);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    @Override
    public float[] readFloat32(String name) {
        Stored s = stored.get(name);
        if (s == null) {
            throw error("no tensor '" + name + "' in this checkpoint (it has " + stored.size() + " tensors)");
        }
        PickledTensor view = s.view();
        DType dtype = view.storage().dtype();
        float[] out = new float[checkedArraySize(name, view, dtype)];
        if (out.length == 0) {
            return out;
        }
        long spanBytes = (view.end() - view.offset()) * dtype.size();
        if (spanBytes > MAX_ARRAY) {
            throw error("tensor '" + name + "' spans " + spanBytes + " bytes of its storage, more than one read holds");
        }
        byte[] slice = readSlice(name, s.entry(), view.offset() * dtype.size(), (int) spanBytes);
        byte[] data = view.isContiguous() ? slice : view.gather(slice, dtype.size());
        dtype.toFloat32(ByteBuffer.wrap(data), out);
        return out;
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static ZipFile openZip(Path path) {
        try {
            return new ZipFile(path.toFile());
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new ModelFileException(path, "PyTorch checkpoint not found");
        } catch (ZipException e) {
            throw new ModelFileException(path, notZipReason() + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be opened: " + e.getMessage(), e);
        }
    }

    private static String notZipReason() {
        return "not a zip archive: truncated, or not written by torch.save since PyTorch 1.6 (older checkpoints "
                + "are a bare pickle, which is not supported: re-save with a current torch.save or convert to safetensors)";
    }

    /** The single top directory; torch names it after the file, but any name is valid. */
    private String archiveDir() {
        List<String> dirs;
        try {
            dirs = zip.stream()
                    .map(e -> DATA_PKL.matcher(e.getName()))
                    .filter(Matcher::matches)
                    .map(m -> m.group(1))
                    .toList();
        } catch (IllegalArgumentException badName) { // ZipFile decodes each entry's name as it goes
            throw error("an entry name in the zip is not valid UTF-8 (" + badName.getMessage() + "): the file is damaged or not a checkpoint");
        }
        if (dirs.isEmpty()) {
            throw error("no <dir>/data.pkl entry in the zip: not a checkpoint written by torch.save");
        }
        if (dirs.size() > 1) {
            throw error("several data.pkl entries in directories " + dirs + ", expected one");
        }
        return dirs.get(0);
    }

    /** torch writes {@code byteorder} since 2.1; files without it come from little-endian machines. */
    private void checkByteOrder(String dir) {
        ZipEntry entry = zip.getEntry(dir + "/byteorder");
        if (entry == null) {
            return;
        }
        String order = new String(readSmall(entry, 16), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) {
            throw error(entry.getName() + " says '" + order + "', expected 'little': big-endian checkpoints are "
                    + "not supported; re-save on a little-endian machine or convert to safetensors");
        }
    }

    /**
     * The zip entry of a tensor's storage, checked: present, exactly as long as the pickle says,
     * long enough for the view, and declared the same way by every tensor sharing it.
     */
    private ZipEntry storageEntry(String dir, String name, PickledTensor view, Map<String, StorageRef> seen) {
        StorageRef s = view.storage();
        String entryName = dir + "/data/" + s.key();
        StorageRef earlier = seen.putIfAbsent(s.key(), s);
        if (earlier != null && !earlier.equals(s)) {
            throw error("storage '" + entryName + "' is declared as " + describe(earlier) + " by an earlier tensor but as "
                    + describe(s) + " by tensor '" + name + "'");
        }
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw error("tensor '" + name + "' needs storage entry '" + entryName + "', which the zip lacks");
        }
        int size = s.dtype().size();
        if (entry.getSize() % size != 0 || entry.getSize() / size != s.numel()) {
            throw error("storage entry '" + entryName + "' of tensor '" + name + "' holds " + entry.getSize()
                    + " bytes, expected " + describe(s) + " (" + s.numel() * size + " bytes)");
        }
        if (view.end() > s.numel()) {
            throw error("tensor '" + name + "' (shape " + Arrays.toString(view.shape()) + ", strides "
                    + Arrays.toString(view.stride()) + ", offset " + view.offset() + ") needs " + view.end()
                    + " storage elements, but storage '" + entryName + "' holds " + s.numel());
        }
        return entry;
    }

    private static String describe(StorageRef s) {
        return s.numel() + " " + s.dtype() + " elements";
    }

    private int checkedArraySize(String name, PickledTensor view, DType dtype) {
        // bytes, not just elements, must fit one array: the raw data is read into one before converting
        if (view.numel() > MAX_ARRAY / dtype.size()) {
            throw error("tensor '" + name + "' has " + view.numel() + " " + dtype + " elements, more than one read holds");
        }
        return (int) view.numel();
    }

    /** The bytes {@code skip .. skip+length} of a storage entry, streamed: the rest is never held. */
    private byte[] readSlice(String name, ZipEntry entry, long skip, int length) {
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(skip);
            byte[] bytes = in.readNBytes(length);
            if (bytes.length == length) {
                return bytes;
            }
        } catch (EOFException e) {
            // reported below, with the sizes
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot read storage '" + entry.getName() + "' of tensor '" + name
                    + "': " + e.getMessage(), e);
        }
        throw error("storage entry '" + entry.getName() + "' of tensor '" + name + "' ends before byte "
                + (skip + length) + ", the end of the tensor's data");
    }

    private byte[] readSmall(ZipEntry entry, int limit) {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw error(entry.getName() + " is larger than " + limit + " bytes: not a torch.save checkpoint");
            }
            return bytes;
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot read " + entry.getName() + ": " + e.getMessage(), e);
        }
    }

    private ModelFileException error(String message) {
        return new ModelFileException(path, message);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException e) {
            // only ever read from, so a failing close loses nothing
        }
    }
}
