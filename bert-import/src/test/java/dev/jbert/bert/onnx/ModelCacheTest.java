package dev.jbert.bert.onnx;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copies of classpath resources in the cache, and where the cache is. */
class ModelCacheTest {

    private static final String PROBE = "onnx/cache-probe.txt";
    private static final ClassLoader LOADER = ModelCacheTest.class.getClassLoader();

    private static byte[] probeBytes() throws Exception {
        try (InputStream in = LOADER.getResourceAsStream(PROBE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void resourceIsCopiedOnceThenReused(@TempDir Path cache) throws Exception {
        Path first = ModelCache.resourceFile(LOADER, PROBE, cache);
        assertEquals(cache.resolve("resources"), first.getParent());
        assertTrue(first.getFileName().toString().endsWith("-cache-probe.txt"));
        assertArrayEquals(probeBytes(), Files.readAllBytes(first));
        assertEquals(List.of(first.getFileName().toString()), entries(cache.resolve("resources")), "no temporary file left");

        // mark the copy: a second call must return it untouched rather than write it again
        FileTime marked = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, marked);
        Object key = Files.readAttributes(first, BasicFileAttributes.class).fileKey();
        Path second = ModelCache.resourceFile(LOADER, PROBE, cache);
        assertEquals(first, second);
        assertEquals(marked, Files.getLastModifiedTime(second));
        assertEquals(key, Files.readAttributes(second, BasicFileAttributes.class).fileKey());
    }

    @Test
    void copyOfTheWrongSizeIsReplacedWhole(@TempDir Path cache) throws Exception {
        Path first = ModelCache.resourceFile(LOADER, PROBE, cache);
        Object key = Files.readAttributes(first, BasicFileAttributes.class).fileKey();
        Files.write(first, new byte[]{1, 2, 3}); // a damaged copy
        Path again = ModelCache.resourceFile(LOADER, PROBE, cache);
        assertEquals(first, again);
        assertArrayEquals(probeBytes(), Files.readAllBytes(again));
        // replaced by renaming a new file over it, not rewritten in place
        assertNotEquals(key, Files.readAttributes(again, BasicFileAttributes.class).fileKey());
        assertEquals(1, entries(cache.resolve("resources")).size());
    }

    @Test
    void missingResourceIsAnError(@TempDir Path cache) {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> ModelCache.resourceFile(LOADER, "onnx/no-such-resource.onnx", cache));
        assertTrue(e.getMessage().contains("no such resource"), e.getMessage());
    }

    @Test
    void rootFollowsTheSystemProperty(@TempDir Path dir) {
        String saved = System.getProperty(ModelCache.CACHE_DIR_PROPERTY);
        try {
            System.clearProperty(ModelCache.CACHE_DIR_PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".cache", "jbert"), ModelCache.root());
            System.setProperty(ModelCache.CACHE_DIR_PROPERTY, dir.toString());
            assertEquals(dir.toAbsolutePath(), ModelCache.root());
        } finally {
            if (saved == null) System.clearProperty(ModelCache.CACHE_DIR_PROPERTY);
            else System.setProperty(ModelCache.CACHE_DIR_PROPERTY, saved);
        }
    }

    @Test
    void publishingKeepsTheFirstFolder(@TempDir Path cache) throws Exception {
        Path target = cache.resolve("models").resolve("m");
        Path a = ModelCache.temporaryDirectoryFor(target);
        Files.writeString(a.resolve("f"), "first");
        assertEquals(target, ModelCache.publishDirectory(a, target));
        Path b = ModelCache.temporaryDirectoryFor(target);
        Files.writeString(b.resolve("f"), "second");
        assertEquals(target, ModelCache.publishDirectory(b, target), "a concurrent builder finding it done");
        assertEquals("first", Files.readString(target.resolve("f")));
        assertEquals(List.of("m"), entries(cache.resolve("models")), "the loser's temporary folder is deleted");
    }

    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
