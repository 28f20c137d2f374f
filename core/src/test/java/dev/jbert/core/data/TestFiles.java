package dev.jbert.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small data files under {@code src/test/resources/data/}, and files written on the fly. */
final class TestFiles {

    private TestFiles() {
    }

    static Path resource(String name) {
        URL url = TestFiles.class.getResource("/data/" + name);
        if (url == null) throw new IllegalStateException("test resource data/" + name + " is missing");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
