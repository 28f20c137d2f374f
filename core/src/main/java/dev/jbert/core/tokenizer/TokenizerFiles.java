package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a Hugging Face tokenizer folder ({@code tokenizer.json}, or {@code vocab.txt} plus
 * {@code tokenizer_config.json}) into a {@link BertTokenizer}. Every problem is reported as a
 * {@link ModelFileException} naming the file and what was expected there.
 */
final class TokenizerFiles {

    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String VOCAB_TXT = "vocab.txt";
    static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {
    }

    static BertTokenizer load(Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (!Files.isDirectory(directory)) {
            throw new ModelFileException(directory, "not a folder; expected a tokenizer folder holding "
                    + TOKENIZER_JSON + " or " + VOCAB_TXT);
        }
        Path configFile = directory.resolve(TOKENIZER_CONFIG_JSON);
        Settings settings = Files.isRegularFile(configFile)
                ? Settings.fromTokenizerConfig(configFile, readJson(configFile))
                : Settings.defaults();
        Path tokenizerJson = directory.resolve(TOKENIZER_JSON);
        if (Files.isRegularFile(tokenizerJson)) {
            return fromTokenizerJson(tokenizerJson, settings);
        }
        Path vocabFile = directory.resolve(VOCAB_TXT);
        if (Files.isRegularFile(vocabFile)) {
            Vocabulary vocabulary = Vocabulary.fromFile(vocabFile);
            LOG.debug("Loaded {} with {} tokens", vocabFile, vocabulary.size());
            return new BertTokenizer(vocabulary, settings.config(), settings.addedTokenIds);
        }
        throw new ModelFileException(directory, "no " + TOKENIZER_JSON + " or " + VOCAB_TXT
                + " in this folder; expected a Hugging Face BERT tokenizer (" + VOCAB_TXT
                + " with an optional " + TOKENIZER_CONFIG_JSON + ", or " + TOKENIZER_JSON + ")");
    }

    private static BertTokenizer fromTokenizerJson(Path file, Settings settings) {
        JsonNode root = readJson(file);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new ModelFileException(file, "no \"model\" object; expected a Hugging Face tokenizers file with a WordPiece model");
        }
        String type = modelType(model);
        if (!"WordPiece".equals(type)) {
            throw new ModelFileException(file, "model.type is \"" + type + "\", another model type; only BERT WordPiece"
                    + " tokenizers (model.type \"WordPiece\") are supported");
        }
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new ModelFileException(file, "model.vocab is missing or empty; expected a map from WordPiece token to id");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new ModelFileException(file, "model.vocab maps \"" + e.getKey() + "\" to " + e.getValue()
                        + "; expected a non-negative integer id");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.fromMap(vocab, file);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "model.vocab is inconsistent: " + e.getMessage());
        }
        settings.unkToken = text(file, model, "unk_token", settings.unkToken);
        settings.continuingSubwordPrefix = text(file, model, "continuing_subword_prefix", settings.continuingSubwordPrefix);
        settings.maxInputCharsPerWord = integer(file, model, "max_input_chars_per_word", settings.maxInputCharsPerWord);
        readNormalizer(file, root.path("normalizer"), settings);
        requirePreTokenizer(file, root.path("pre_tokenizer"));
        readAddedTokens(file, root.path("added_tokens"), settings);
        if (root.hasNonNull("truncation") || root.hasNonNull("padding")) {
            LOG.debug("Ignoring the fixed truncation/padding of {}; lengths come from EncodeOptions", file);
        }
        LOG.debug("Loaded {} with {} tokens and {} added tokens", file, vocabulary.size(), settings.addedTokens.size());
        try {
            return new BertTokenizer(vocabulary, settings.config(), settings.addedTokenIds);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, e.getMessage());
        }
    }

    /** Files written by old versions of tokenizers have no model type; the fields tell the models apart. */
    private static String modelType(JsonNode model) {
        if (model.hasNonNull("type")) {
            return model.get("type").asText();
        }
        if (model.has("merges")) {
            return "BPE";
        }
        if (model.path("vocab").isArray()) {
            return "Unigram";
        }
        return model.has("continuing_subword_prefix") || model.has("max_input_chars_per_word") ? "WordPiece" : "WordLevel";
    }

    private static void readNormalizer(Path file, JsonNode normalizer, Settings settings) {
        if (normalizer.isMissingNode() || normalizer.isNull()) {
            settings.cleanText = false;
            settings.tokenizeChineseChars = false;
            settings.stripAccents = false;
            settings.doLowerCase = false;
            return;
        }
        String type = normalizer.path("type").asText("");
        if (!"BertNormalizer".equals(type)) {
            throw new ModelFileException(file, "normalizer.type \"" + type + "\" is not supported; expected"
                    + " \"BertNormalizer\" (or no normalizer)");
        }
        settings.cleanText = bool(file, normalizer, "clean_text", true);
        settings.tokenizeChineseChars = bool(file, normalizer, "handle_chinese_chars", true);
        settings.stripAccents = optionalBool(file, normalizer, "strip_accents", null);
        settings.doLowerCase = bool(file, normalizer, "lowercase", true);
    }

    private static void requirePreTokenizer(Path file, JsonNode preTokenizer) {
        String type = preTokenizer.path("type").asText("none");
        if (!"BertPreTokenizer".equals(type)) {
            throw new ModelFileException(file, "pre_tokenizer.type \"" + type + "\" is not supported; expected"
                    + " \"BertPreTokenizer\"");
        }
    }

    private static void readAddedTokens(Path file, JsonNode addedTokens, Settings settings) {
        if (addedTokens.isMissingNode() || addedTokens.isNull()) {
            return;
        }
        if (!addedTokens.isArray()) {
            throw new ModelFileException(file, "added_tokens must be a list of {id, content, ...} objects");
        }
        for (JsonNode node : addedTokens) {
            if (!node.path("id").canConvertToInt()) {
                throw new ModelFileException(file, "added token " + node + " has no integer id");
            }
            settings.addAddedToken(addedToken(file, node, false), node.get("id").asInt());
        }
    }

    /** An added token object: {@code {"content": ..., "special": ..., "normalized": ..., ...}}. */
    static AddedToken addedToken(Path file, JsonNode node, boolean specialByDefault) {
        String content = node.path("content").asText("");
        if (content.isEmpty()) {
            throw new ModelFileException(file, "added token " + node + " has no content");
        }
        boolean special = bool(file, node, "special", specialByDefault);
        // Hugging Face defaults "normalized" to the opposite of "special".
        return new AddedToken(content, special, bool(file, node, "normalized", !special),
                bool(file, node, "single_word", false), bool(file, node, "lstrip", false),
                bool(file, node, "rstrip", false));
    }

    static JsonNode readJson(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new ModelFileException(file, "expected a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "not valid JSON (" + e.getOriginalMessage() + "); expected a JSON object", e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    static boolean bool(Path file, JsonNode parent, String field, boolean fallback) {
        Boolean value = optionalBool(file, parent, field, fallback);
        return value == null ? fallback : value;
    }

    static Boolean optionalBool(Path file, JsonNode parent, String field, Boolean fallback) {
        JsonNode node = parent.get(field);
        if (node == null) {
            return fallback;
        }
        if (node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new ModelFileException(file, field + " is " + node + "; expected true or false");
        }
        return node.asBoolean();
    }

    static String text(Path file, JsonNode parent, String field, String fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual() && !node.asText().isEmpty()) {
            return node.asText();
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return node.get("content").asText();
        }
        throw new ModelFileException(file, field + " is " + node + "; expected a token string");
    }

    static int integer(Path file, JsonNode parent, String field, int fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || node.asInt() < 1) {
            throw new ModelFileException(file, field + " is " + node + "; expected a positive integer");
        }
        return node.asInt();
    }

    /** The settings gathered from the files, mutable while reading. */
    private static final class Settings {
        boolean doLowerCase = true;
        Boolean stripAccents;
        boolean tokenizeChineseChars = true;
        boolean cleanText = true;
        String unkToken = "[UNK]";
        String sepToken = "[SEP]";
        String padToken = "[PAD]";
        String clsToken = "[CLS]";
        String maskToken = "[MASK]";
        int modelMaxLength = TokenizerConfig.NO_MAX_LENGTH;
        String continuingSubwordPrefix = "##";
        int maxInputCharsPerWord = WordPieceTokenizer.DEFAULT_MAX_INPUT_CHARS_PER_WORD;
        final Map<String, AddedToken> addedTokens = new LinkedHashMap<>();
        final Map<String, Integer> addedTokenIds = new HashMap<>();

        static Settings defaults() {
            return new Settings();
        }

        static Settings fromTokenizerConfig(Path file, JsonNode json) {
            Settings s = new Settings();
            s.doLowerCase = bool(file, json, "do_lower_case", true);
            s.stripAccents = optionalBool(file, json, "strip_accents", null);
            s.tokenizeChineseChars = bool(file, json, "tokenize_chinese_chars", true);
            s.unkToken = text(file, json, "unk_token", s.unkToken);
            s.sepToken = text(file, json, "sep_token", s.sepToken);
            s.padToken = text(file, json, "pad_token", s.padToken);
            s.clsToken = text(file, json, "cls_token", s.clsToken);
            s.maskToken = text(file, json, "mask_token", s.maskToken);
            s.modelMaxLength = modelMaxLength(file, json.get("model_max_length"));
            JsonNode decoder = json.path("added_tokens_decoder");
            for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new ModelFileException(file, "added_tokens_decoder key \"" + e.getKey() + "\" is not a token id");
                }
                s.addAddedToken(addedToken(file, e.getValue(), false), id);
            }
            for (JsonNode extra : json.path("additional_special_tokens")) {
                AddedToken token = extra.isTextual()
                        ? AddedToken.special(extra.asText())
                        : addedToken(file, extra, true);
                s.addedTokens.putIfAbsent(token.content(), token);
            }
            return s;
        }

        /** transformers writes 1e30 when a model sets no limit; anything past int range means none. */
        private static int modelMaxLength(Path file, JsonNode node) {
            if (node == null || node.isNull()) {
                return TokenizerConfig.NO_MAX_LENGTH;
            }
            if (!node.isNumber() || node.asDouble() < 1) {
                throw new ModelFileException(file, "model_max_length is " + node + "; expected a positive number");
            }
            return node.asDouble() >= TokenizerConfig.NO_MAX_LENGTH ? TokenizerConfig.NO_MAX_LENGTH : node.asInt();
        }

        void addAddedToken(AddedToken token, int id) {
            addedTokens.put(token.content(), token);
            addedTokenIds.put(token.content(), id);
        }

        TokenizerConfig config() {
            return new TokenizerConfig(doLowerCase, stripAccents, tokenizeChineseChars, cleanText, unkToken, sepToken,
                    padToken, clsToken, maskToken, new ArrayList<>(addedTokens.values()), modelMaxLength,
                    continuingSubwordPrefix, maxInputCharsPerWord);
        }
    }

    /**
     * Writes {@code vocab.txt} (one token per line, in id order) and {@code tokenizer_config.json}
     * as transformers' BertTokenizer saves them, so the folder loads here and in transformers.
     */
    static void save(Vocabulary vocabulary, TokenizerConfig config, Path dir) {
        Path vocabFile = dir.resolve(VOCAB_TXT);
        Path configFile = dir.resolve(TOKENIZER_CONFIG_JSON);
        try {
            StringBuilder lines = new StringBuilder();
            for (int id = 0; id < vocabulary.size(); id++) lines.append(vocabulary.token(id)).append('\n');
            Files.writeString(vocabFile, lines);
            var json = new ObjectMapper().createObjectNode()
                    .put("tokenizer_class", "BertTokenizer")
                    .put("do_lower_case", config.doLowerCase())
                    .put("tokenize_chinese_chars", config.tokenizeChineseChars())
                    .put("unk_token", config.unkToken())
                    .put("sep_token", config.sepToken())
                    .put("pad_token", config.padToken())
                    .put("cls_token", config.clsToken())
                    .put("mask_token", config.maskToken());
            if (config.stripAccents() == null) json.putNull("strip_accents");
            else json.put("strip_accents", config.stripAccents());
            if (config.modelMaxLength() != TokenizerConfig.NO_MAX_LENGTH) json.put("model_max_length", config.modelMaxLength());
            Files.writeString(configFile, json.toPrettyString());
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot write the tokenizer files: " + e.getMessage(), e);
        }
    }
}
