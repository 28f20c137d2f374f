package dev.jbert.bert.onnx;

import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * jbert's on-disk cache: model folders converted from ONNX, and copies of classpath resources
 * that must be memory-mapped. It lives in {@code ${user.home}/.cache/jbert}, or wherever the
 * system property {@value #CACHE_DIR_PROPERTY} points.
 *
 * <p>Nothing is ever written in place: a file or folder is built under a temporary name beside
 * its destination and renamed in one step, so a crash or a concurrent process never leaves a
 * half-written entry under the final name. Entries are named by a hash of what they were made
 * from, so a changed source gets a new entry instead of a stale one.
 *
 * <pre>
 * ~/.cache/jbert/
 *   resources/&lt;hash&gt;-all-minilm-l6-v2.onnx     a resource copied out of its jar (transient)
 *   models/all-MiniLM-L6-v2-&lt;hash&gt;/            the built-in default model, Hugging Face layout
 *   onnx-import/&lt;name&gt;-&lt;hash&gt;/                 a user's .onnx export converted to a folder
 * </pre>
 */
public final class ModelCache {

    /** System property naming the cache folder. */
    public static final String CACHE_DIR_PROPERTY = "jbert.cache.dir";

    private ModelCache() {
    }

    /**
     * {@code -Djbert.cache.dir}, else {@code ${user.home}/.cache/jbert}. Not created here.
     *
     * @return the cache folder; absolute when taken from the property
     */
    public static Path root() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".cache", "jbert");
    }

    /**
     * A file holding the classpath resource, copied into {@code cacheRoot/resources} the first
     * time and reused afterwards while its size still matches the resource's. The copy is
     * written to a temporary file, its size checked, then moved into place.
     *
     * @param loader    the class loader to find the resource with
     * @param resource  the resource's name, e.g. {@code all-minilm-l6-v2.onnx}
     * @param cacheRoot the cache folder
     * @return the cached copy, named by a hash of the resource's URL, size and modification time
     * @throws ModelFileException when the resource is absent or the copy fails
     */
    public static Path resourceFile(ClassLoader loader, String resource, Path cacheRoot) {
        URL url = loader.getResource(resource);
        if (url == null) throw new ModelFileException(Path.of(resource), "no such resource on the classpath");
        String fileName = resource.substring(resource.lastIndexOf('/') + 1);
        Path dir = cacheRoot.resolve("resources");
        Path target = null;
        Path tmp = null;
        try {
            URLConnection conn = url.openConnection();
            long size = conn.getContentLengthLong();
            String key = hash(url.toExternalForm(), String.valueOf(size), String.valueOf(conn.getLastModified()));
            target = dir.resolve(key + "-" + fileName);
            if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + fileName + ".", ".tmp");
            long copied;
            try (InputStream in = conn.getInputStream()) {
                copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (size >= 0 && copied != size) {
                throw new ModelFileException(target, "copied " + copied + " bytes of resource '" + resource + "' but it has "
                        + size + " (is the disk full?)");
            }
            moveFile(tmp, target);
            tmp = null;
            return target;
        } catch (IOException e) {
            Path where = target != null ? target : dir;
            throw new ModelFileException(where, "cannot copy resource '" + resource + "' into the cache: " + e
                    + " (point -D" + CACHE_DIR_PROPERTY + " at a writable folder)", e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /**
     * Renames a finished temporary folder to {@code target}. If another process published the
     * same entry first, its copy is kept and ours deleted. Returns {@code target}.
     */
    static Path publishDirectory(Path tmp, Path target) {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            deleteTree(tmp);
            throw new ModelFileException(target, "cannot be created atomically on this file system (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            deleteTree(tmp);
            // Linux reports a non-empty target as a plain FileSystemException (ENOTEMPTY)
            if (!Files.isDirectory(target)) {
                throw new ModelFileException(target, "cannot move the finished folder into place: " + e.getMessage(), e);
            }
        }
        return target;
    }

    /** A fresh temporary folder beside {@code target}, for building it. */
    static Path temporaryDirectoryFor(Path target) {
        try {
            Files.createDirectories(target.getParent());
            return Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new ModelFileException(target, "cannot create a folder beside it: " + e.getMessage()
                    + " (point -D" + CACHE_DIR_PROPERTY + " at a writable folder)", e);
        }
    }

    static void moveFile(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The first 16 hex digits of the SHA-256 of the parts, for entry names. */
    static String hash(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(ModelCache::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temporary folder is harmless
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
