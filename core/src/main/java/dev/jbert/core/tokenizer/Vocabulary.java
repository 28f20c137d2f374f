package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A WordPiece vocabulary: token text to id and back. Immutable and thread-safe.
 *
 * <p>From a {@code vocab.txt}, the id of a token is its 0-based line number and the token is the line
 * exactly as written (only the line break is removed, like transformers' {@code load_vocab}). If a line
 * repeats, the token maps to its last line, as in a Python dict, while every line still has its id.
 */
public final class Vocabulary {

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final Path source;

    private Vocabulary(Map<String, Integer> ids, String[] tokens, Path source) {
        this.ids = ids;
        this.tokens = tokens;
        this.source = source;
    }

    /**
     * Reads a {@code vocab.txt}: UTF-8, one token per line.
     *
     * @param vocabFile the {@code vocab.txt}
     * @return the vocabulary, remembering the file as its {@link #source()}
     * @throws ModelFileException if the file is missing, unreadable, not UTF-8 or empty
     */
    public static Vocabulary fromFile(Path vocabFile) {
        if (vocabFile == null) {
            throw new IllegalArgumentException("vocabFile must not be null");
        }
        List<String> lines = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(vocabFile), decoder))) {
            // readLine ends lines at \n, \r or \r\n, as Python's universal newlines do.
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new ModelFileException(vocabFile, "vocabulary file not found; expected a WordPiece vocab.txt with one token per line");
        } catch (CharacterCodingException e) {
            throw new ModelFileException(vocabFile, "not valid UTF-8; expected a UTF-8 vocab.txt with one token per line", e);
        } catch (IOException e) {
            throw new ModelFileException(vocabFile, "cannot read the vocabulary: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new ModelFileException(vocabFile, "the vocabulary is empty; expected one WordPiece token per line");
        }
        return build(lines, vocabFile);
    }

    /**
     * A vocabulary whose ids are the positions in {@code tokens}.
     *
     * @param tokens the tokens in id order, at least one
     * @return the vocabulary
     */
    public static Vocabulary of(List<String> tokens) {
        if (tokens == null || tokens.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary needs at least one token");
        }
        for (String t : tokens) {
            if (t == null) {
                throw new IllegalArgumentException("vocabulary tokens must not be null");
            }
        }
        return build(tokens, null);
    }

    /**
     * A vocabulary from a token-to-id map, as the {@code model.vocab} of a {@code tokenizer.json}.
     * Ids must be non-negative and distinct; gaps are allowed.
     *
     * @param tokenToId the id of each token
     * @return the vocabulary
     */
    public static Vocabulary fromMap(Map<String, Integer> tokenToId) {
        return fromMap(tokenToId, null);
    }

    static Vocabulary fromMap(Map<String, Integer> tokenToId, Path source) {
        if (tokenToId == null || tokenToId.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary needs at least one token");
        }
        int maxId = -1;
        for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("invalid vocabulary entry " + e.getKey() + " -> " + e.getValue());
            }
            maxId = Math.max(maxId, e.getValue());
        }
        String[] byId = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
            if (byId[e.getValue()] != null) {
                throw new IllegalArgumentException("tokens '" + byId[e.getValue()] + "' and '" + e.getKey()
                        + "' share id " + e.getValue());
            }
            byId[e.getValue()] = e.getKey();
        }
        return new Vocabulary(Map.copyOf(tokenToId), byId, source);
    }

    private static Vocabulary build(List<String> lines, Path source) {
        Map<String, Integer> ids = new HashMap<>(lines.size() * 2);
        for (int i = 0; i < lines.size(); i++) {
            ids.put(lines.get(i), i);
        }
        return new Vocabulary(Collections.unmodifiableMap(ids), lines.toArray(new String[0]), source);
    }

    /**
     * Number of ids, i.e. one more than the largest id (the embedding matrix needs this many rows).
     *
     * @return the number of ids
     */
    public int size() {
        return tokens.length;
    }

    /**
     * Whether {@code token} is in the vocabulary.
     *
     * @param token the token's text
     * @return whether it has an id
     */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The id of {@code token}, if it is in the vocabulary.
     *
     * @param token the token's text
     * @return its id, or empty
     */
    public OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The id of {@code token}, or -1 when absent; the allocation-free form of {@link #id(String)}.
     *
     * @param token the token's text
     * @return its id, or -1
     */
    public int idOrMinusOne(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /**
     * The token with id {@code id}.
     *
     * @param id a token id
     * @return the token's text
     * @throws IllegalArgumentException if no token has that id
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("no token with id " + id + " in a vocabulary of " + tokens.length);
        }
        return tokens[id];
    }

    /**
     * The token with id {@code id}, or null when no token has it.
     *
     * @param id a token id, any value
     * @return the token's text, or null
     */
    public String tokenOrNull(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /**
     * The file this vocabulary was read from, or null when built in code.
     *
     * @return the vocabulary file, or null
     */
    public Path source() {
        return source;
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.length + " tokens" + (source == null ? "" : ", " + source) + "]";
    }
}
