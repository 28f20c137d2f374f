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
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face tokenizer folder into a {@link Tokenizer}: {@code tokenizer.json} (see {@link TokenizerJson}),
 * or, where that is all a folder has, {@code vocab.txt} (WordPiece) or {@code vocab.json} with {@code merges.txt}
 * (byte-level BPE), each with an optional {@code tokenizer_config.json}. Every problem is reported as a
 * {@link ModelFileException} naming the file and what was expected there.
 */
final class TokenizerFiles {

    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String VOCAB_TXT = "vocab.txt";
    static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    static final String VOCAB_JSON = "vocab.json";
    static final String MERGES_TXT = "merges.txt";
    /** Files a tokenizer folder may hold besides tokenizer.json; saving copies those present. */
    private static final List<String> COMPANIONS = List.of(TOKENIZER_CONFIG_JSON, "special_tokens_map.json", VOCAB_TXT, VOCAB_JSON,
            MERGES_TXT, "sentencepiece.bpe.model", "spm.model");

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {
    }

    static Tokenizer load(Path directory) {
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
            List<Path> files = new ArrayList<>(List.of(tokenizerJson));
            for (String name : COMPANIONS) {
                if (Files.isRegularFile(directory.resolve(name))) files.add(directory.resolve(name));
            }
            return new Tokenizer(TokenizerJson.read(tokenizerJson, readJson(tokenizerJson), settings, files));
        }
        Path vocabFile = directory.resolve(VOCAB_TXT);
        if (Files.isRegularFile(vocabFile)) {
            Vocabulary vocabulary = Vocabulary.fromFile(vocabFile);
            LOG.debug("Loaded {} with {} tokens", vocabFile, vocabulary.size());
            List<Path> files = new ArrayList<>(List.of(vocabFile));
            if (Files.isRegularFile(configFile)) files.add(configFile);
            return wordPiece(vocabulary, settings.config(), settings.addedTokenIds, files);
        }
        Path vocabJson = directory.resolve(VOCAB_JSON);
        Path merges = directory.resolve(MERGES_TXT);
        if (Files.isRegularFile(vocabJson) && Files.isRegularFile(merges)) {
            List<Path> files = new ArrayList<>(List.of(vocabJson, merges));
            if (Files.isRegularFile(configFile)) files.add(configFile);
            return new Tokenizer(TokenizerJson.byteLevelBpe(vocabJson, readJson(vocabJson), merges, settings, files));
        }
        for (String spm : SentencePieceFiles.MODEL_FILES) {
            Path spmFile = directory.resolve(spm);
            if (Files.isRegularFile(spmFile)) {
                List<Path> files = new ArrayList<>(List.of(spmFile));
                if (Files.isRegularFile(configFile)) files.add(configFile);
                String tokenizerClass = settings.tokenizerClass != null ? settings.tokenizerClass : modelTypeClass(directory);
                return new Tokenizer(SentencePieceFiles.read(spmFile, tokenizerClass, settings, files));
            }
        }
        throw new ModelFileException(directory, "no " + TOKENIZER_JSON + ", " + VOCAB_TXT + ", " + VOCAB_JSON + " + " + MERGES_TXT
                + " or SentencePiece model in this folder; expected a Hugging Face tokenizer (" + TOKENIZER_JSON + ", or " + VOCAB_TXT
                + " with an optional " + TOKENIZER_CONFIG_JSON + ")");
    }

    /** What a folder's config.json model_type implies for a bare SentencePiece model, as AutoTokenizer reads it. */
    private static String modelTypeClass(Path directory) {
        Path config = directory.resolve("config.json");
        if (!Files.isRegularFile(config)) return null;
        JsonNode modelType = readJson(config).get("model_type");
        return modelType != null && modelType.isTextual() ? SentencePieceFiles.classForModelType(modelType.asText()) : null;
    }

    /**
     * A BERT WordPiece tokenizer: BertNormalizer, BertPreTokenizer, WordPiece and BERT's template.
     *
     * @param explicitIds ids the tokenizer files give to added tokens; the others get their vocabulary id,
     *                    or failing that the next free id, as Hugging Face assigns them
     * @param files       the files it was read from (copied on save), or null when built in code
     */
    static Tokenizer wordPiece(Vocabulary vocabulary, TokenizerConfig config, Map<String, Integer> explicitIds, List<Path> files) {
        if (vocabulary == null || config == null) {
            throw new IllegalArgumentException("vocabulary and config must not be null");
        }
        Map<String, Integer> ids = assignAddedTokenIds(vocabulary, config, explicitIds);
        // WordPiece itself needs [UNK]; the template and padding need ids the model was trained with.
        requireInVocabulary(vocabulary, config, config.unkToken(), "unknown", vocabulary.contains(config.unkToken()));
        requireInVocabulary(vocabulary, config, config.clsToken(), "classification", hasId(vocabulary, config.clsToken(), explicitIds));
        requireInVocabulary(vocabulary, config, config.sepToken(), "separator", hasId(vocabulary, config.sepToken(), explicitIds));
        requireInVocabulary(vocabulary, config, config.padToken(), "padding", hasId(vocabulary, config.padToken(), explicitIds));
        WordPieceTokenizer model = new WordPieceTokenizer(vocabulary, config.unkToken(), config.continuingSubwordPrefix(),
                config.maxInputCharsPerWord());
        BasicTokenizer splitter = BasicTokenizer.of(config);
        PostProcessor processor = PostProcessor.bert(config.clsToken(), ids.get(config.clsToken()), config.sepToken(),
                ids.get(config.sepToken()), config.padToken(), ids.get(config.padToken()));
        boolean inCode = files == null;
        return new Tokenizer(new Tokenizer.Parts(model, splitter, processor, false, ids, config.unkToken(),
                config.padToken(), config.maskToken(), config.modelMaxLength(), vocabulary.source(), inCode ? List.of() : files,
                inCode ? config : null));
    }

    private static Map<String, Integer> assignAddedTokenIds(Vocabulary vocabulary, TokenizerConfig config,
                                                            Map<String, Integer> explicitIds) {
        Map<String, Integer> ids = new HashMap<>();
        int next = vocabulary.size();
        for (int id : explicitIds.values()) {
            next = Math.max(next, id + 1);
        }
        for (AddedToken token : config.allAddedTokens()) {
            String content = token.content();
            Integer id = explicitIds.get(content);
            if (id == null) {
                int inVocabulary = vocabulary.idOrMinusOne(content);
                id = inVocabulary >= 0 ? inVocabulary : next++;
            }
            ids.put(content, id);
        }
        return Map.copyOf(ids);
    }

    private static boolean hasId(Vocabulary vocabulary, String token, Map<String, Integer> explicitIds) {
        return vocabulary.contains(token) || explicitIds.containsKey(token);
    }

    private static void requireInVocabulary(Vocabulary vocabulary, TokenizerConfig config, String token, String role, boolean present) {
        if (present) {
            return;
        }
        String message = "the vocabulary has no " + role + " token " + token
                + "; a BERT vocabulary must contain " + config.unkToken() + ", " + config.clsToken() + ", "
                + config.sepToken() + " and " + config.padToken();
        if (vocabulary.source() != null) {
            throw new ModelFileException(vocabulary.source(), message);
        }
        throw new IllegalArgumentException(message);
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
        if (node.isObject() && node.path("content").isTextual() && !node.get("content").asText().isEmpty()) {
            return node.get("content").asText();
        }
        throw new ModelFileException(file, field + " is " + node + "; expected a non-empty token string");
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
    static final class Settings {
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
        /** Which of the special token names the config file set (the others are BERT's defaults). */
        final java.util.Set<String> named = new java.util.HashSet<>();
        Boolean addPrefixSpace;
        Boolean trimOffsets;
        /** do_lower_case as the file gives it, null when absent (BERT then lowercases; DeBERTa does not). */
        Boolean lowercase;
        String bosToken;
        String eosToken;
        String tokenizerClass;
        boolean splitByPunct;

        static Settings defaults() {
            return new Settings();
        }

        static Settings fromTokenizerConfig(Path file, JsonNode json) {
            Settings s = new Settings();
            s.lowercase = optionalBool(file, json, "do_lower_case", null);
            s.bosToken = text(file, json, "bos_token", null);
            s.eosToken = text(file, json, "eos_token", null);
            s.splitByPunct = bool(file, json, "split_by_punct", false);
            JsonNode tokenizerClass = json.get("tokenizer_class");
            if (tokenizerClass != null && tokenizerClass.isTextual()) s.tokenizerClass = tokenizerClass.asText();
            s.stripAccents = optionalBool(file, json, "strip_accents", null);
            s.tokenizeChineseChars = bool(file, json, "tokenize_chinese_chars", true);
            s.unkToken = text(file, json, "unk_token", s.unkToken);
            s.sepToken = text(file, json, "sep_token", s.sepToken);
            s.padToken = text(file, json, "pad_token", s.padToken);
            s.clsToken = text(file, json, "cls_token", s.clsToken);
            s.maskToken = text(file, json, "mask_token", s.maskToken);
            for (String field : List.of("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")) {
                if (json.hasNonNull(field)) s.named.add(field);
            }
            s.addPrefixSpace = optionalBool(file, json, "add_prefix_space", null);
            s.trimOffsets = optionalBool(file, json, "trim_offsets", null);
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
                if (extra.isTextual() && extra.asText().isEmpty()) {
                    throw new ModelFileException(file, "additional_special_tokens holds an empty token");
                }
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

        /** The special token a config field named, or the family's default name when the file did not set it. */
        String named(String field, String value, String fallback) {
            return this.named.contains(field) ? value : fallback;
        }

        void addAddedToken(AddedToken token, int id) {
            addedTokens.put(token.content(), token);
            addedTokenIds.put(token.content(), id);
        }

        TokenizerConfig config() {
            return new TokenizerConfig(lowercase == null || lowercase, stripAccents, tokenizeChineseChars, cleanText, unkToken, sepToken,
                    padToken, clsToken, maskToken, new ArrayList<>(addedTokens.values()), modelMaxLength,
                    continuingSubwordPrefix, maxInputCharsPerWord);
        }
    }

    /**
     * Writes {@code vocab.txt} (one token per line, in id order) and {@code tokenizer_config.json}
     * as transformers' Tokenizer saves them, so the folder loads here and in transformers.
     */
    static void save(Vocabulary vocabulary, TokenizerConfig config, Path dir) {
        Path vocabFile = dir.resolve(VOCAB_TXT);
        Path configFile = dir.resolve(TOKENIZER_CONFIG_JSON);
        try {
            StringBuilder lines = new StringBuilder();
            for (int id = 0; id < vocabulary.size(); id++) lines.append(vocabulary.token(id)).append('\n');
            Files.writeString(vocabFile, lines);
            var json = new ObjectMapper().createObjectNode()
                    .put("tokenizer_class", "Tokenizer")
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
