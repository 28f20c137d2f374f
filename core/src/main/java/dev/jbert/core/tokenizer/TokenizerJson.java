package dev.jbert.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.jbert.core.ModelFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the stages of a {@code tokenizer.json} as the Rust {@code tokenizers} library defines them: normalizers
 * (BertNormalizer, Lowercase, NFC, NFD, NFKC, NFKD, Strip, StripAccents, Replace, Prepend, Precompiled, Sequence),
 * pre-tokenizers (BertPreTokenizer, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits, Split,
 * Sequence), models (WordPiece, BPE, Unigram), post-processors (TemplateProcessing, BertProcessing,
 * RobertaProcessing, ByteLevel, Sequence) and added tokens. A component it does not know fails with its name, never a
 * guess. The decoder is not needed to encode and is not read.
 */
final class TokenizerJson {

    private TokenizerJson() {
    }

    static Tokenizer.Parts read(Path file, JsonNode root, TokenizerFiles.Settings settings, List<Path> files) {
        Reader r = new Reader(file);
        JsonNode modelNode = root.path("model");
        if (!modelNode.isObject()) {
            throw new ModelFileException(file, "no \"model\" object; expected a Hugging Face tokenizers file with a WordPiece, BPE or Unigram model");
        }
        SubwordModel model = r.model(modelNode);
        Map<String, AddedToken> added = new LinkedHashMap<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        settings.addedTokens.forEach((content, token) -> {
            Integer id = settings.addedTokenIds.get(content);
            if (id != null) {
                added.put(content, token);
                ids.put(content, id);
            }
        });
        JsonNode addedNode = root.path("added_tokens");
        if (!addedNode.isMissingNode() && !addedNode.isNull()) {
            if (!addedNode.isArray()) throw new ModelFileException(file, "added_tokens must be a list of {id, content, ...} objects");
            for (JsonNode node : addedNode) {
                if (!node.path("id").canConvertToInt() || node.get("id").asInt() < 0) {
                    throw new ModelFileException(file, "added token " + node + " has no non-negative integer id");
                }
                AddedToken token = TokenizerFiles.addedToken(file, node, false);
                added.put(token.content(), token);
                ids.put(token.content(), node.get("id").asInt());
            }
        }
        Normalizer normalizer = r.normalizer(root.path("normalizer"), "normalizer");
        PreTokenizer preTokenizer = r.preTokenizer(root.path("pre_tokenizer"), "pre_tokenizer");
        List<AddedToken> addedTokens = new ArrayList<>(added.values());
        BasicTokenizer splitter = new BasicTokenizer(normalizer, preTokenizer, addedTokens);

        String unk = unkToken(model, modelNode, settings, ids);
        String pad = special(settings.padToken, model, ids);
        if (pad == null && root.path("padding").path("pad_token").isTextual()) {
            String fromPadding = root.path("padding").path("pad_token").asText();
            if (idOf(fromPadding, model, ids) >= 0) pad = fromPadding;
        }
        String mask = special(settings.maskToken, model, ids);
        int padId = pad == null ? -1 : idOf(pad, model, ids);
        PostProcessor processor = r.postProcessor(root.path("post_processor"), "post_processor", pad, padId, ids, model);
        return new Tokenizer.Parts(model, splitter, processor, runsWordsTogether(preTokenizer), ids, unk, pad, mask,
                settings.modelMaxLength, file, files, null);
    }

    /**
     * A folder with only {@code vocab.json} and {@code merges.txt}: RoBERTa's tokenizer as transformers builds it, a
     * ByteLevel pre-tokenizer ({@code add_prefix_space} from tokenizer_config.json, default false), byte-level BPE and
     * RobertaProcessing ({@code trim_offsets} default true).
     */
    static Tokenizer.Parts byteLevelBpe(Path vocabFile, JsonNode vocabJson, Path mergesFile, TokenizerFiles.Settings settings, List<Path> files) {
        Reader r = new Reader(vocabFile);
        Map<String, Integer> vocab = r.vocabMap(vocabJson, "the vocabulary");
        List<String[]> merges = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank() || (i == 0 && line.startsWith("#version"))) continue;
                String[] pair = line.split(" ");
                if (pair.length != 2) throw new ModelFileException(mergesFile, "line " + (i + 1) + " is \"" + line + "\"; expected two tokens separated by one space");
                merges.add(pair);
            }
        } catch (IOException e) {
            throw new ModelFileException(mergesFile, "cannot read the merges: " + e.getMessage(), e);
        }
        boolean prefixSpace = settings.addPrefixSpace != null && settings.addPrefixSpace;
        boolean trim = settings.trimOffsets == null || settings.trimOffsets;
        String cls = settings.named("cls_token", settings.clsToken, "<s>");
        String sep = settings.named("sep_token", settings.sepToken, "</s>");
        String pad = settings.named("pad_token", settings.padToken, "<pad>");
        String unk = settings.named("unk_token", settings.unkToken, "<unk>");
        String mask = settings.named("mask_token", settings.maskToken, "<mask>");
        SubwordModel model;
        try {
            model = new BytePairEncoding(vocab, merges, vocab.containsKey(unk) ? unk : null, null, null, false, false);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(mergesFile, e.getMessage());
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<AddedToken> added = new ArrayList<>();
        for (String special : List.of(cls, sep, pad, unk, mask)) {
            int id = idOf(special, model, settings.addedTokenIds);
            if (id < 0) continue;
            ids.put(special, id);
            AddedToken token = settings.addedTokens.getOrDefault(special, AddedToken.special(special));
            added.add(token);
        }
        for (String required : List.of(cls, sep)) {
            if (!ids.containsKey(required)) throw new ModelFileException(vocabFile, "has no " + required + ", which the template needs");
        }
        ByteLevel byteLevel = new ByteLevel(prefixSpace, true);
        BasicTokenizer splitter = new BasicTokenizer(null, byteLevel, added);
        int padId = ids.getOrDefault(pad, -1);
        String padToken = padId < 0 ? null : pad;
        PostProcessor processor = PostProcessor.roberta(cls, ids.get(cls), sep, ids.get(sep), trim, prefixSpace, padToken, padId);
        return new Tokenizer.Parts(model, splitter, processor, !prefixSpace, ids,
                ids.containsKey(unk) ? unk : null, padToken, ids.containsKey(mask) ? mask : null, settings.modelMaxLength, vocabFile, files, null);
    }

    /** Whether a byte-level pre-tokenizer without {@code add_prefix_space} runs pre-split words together. */
    private static boolean runsWordsTogether(PreTokenizer p) {
        if (p instanceof ByteLevel b) return !b.addPrefixSpace();
        if (p instanceof PreTokenizer.Sequence s) return s.preTokenizers().stream().anyMatch(TokenizerJson::runsWordsTogether);
        return false;
    }

    private static String unkToken(SubwordModel model, JsonNode modelNode, TokenizerFiles.Settings settings, Map<String, Integer> ids) {
        if (model instanceof WordPieceTokenizer || model instanceof BytePairEncoding) {
            JsonNode unk = modelNode.get("unk_token");
            if (unk != null && unk.isTextual()) return unk.asText();
        }
        if (model instanceof UnigramModel) {
            JsonNode unkId = modelNode.get("unk_id");
            if (unkId != null && unkId.canConvertToInt()) return model.tokenOf(unkId.asInt());
        }
        return special(settings.unkToken, model, ids);
    }

    /** A special token named in tokenizer_config.json (or BERT's default name), when the tokenizer has an id for it. */
    private static String special(String value, SubwordModel model, Map<String, Integer> ids) {
        return idOf(value, model, ids) >= 0 ? value : null;
    }

    private static int idOf(String token, SubwordModel model, Map<String, Integer> ids) {
        if (token == null) return -1;
        Integer id = ids.get(token);
        return id != null ? id : model.idOf(token);
    }

    /** Files written by old versions of tokenizers have no model type; the fields tell the models apart. */
    static String modelType(JsonNode model) {
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

    /** Reads the components of one file, naming the file and the component's path in every error. */
    private static final class Reader {
        final Path file;

        Reader(Path file) {
            this.file = file;
        }

        ModelFileException error(String where, String message) {
            return new ModelFileException(file, where + ": " + message);
        }

        SubwordModel model(JsonNode m) {
            String type = modelType(m);
            try {
                return switch (type) {
                    case "WordPiece" -> {
                        Vocabulary vocabulary;
                        try {
                            vocabulary = Vocabulary.fromMap(vocabMap(m.path("vocab"), "model.vocab"), file);
                        } catch (IllegalArgumentException e) {
                            throw error("model.vocab", "is inconsistent: " + e.getMessage());
                        }
                        String unk = TokenizerFiles.text(file, m, "unk_token", "[UNK]");
                        if (!vocabulary.contains(unk)) {
                            throw new ModelFileException(file, "the vocabulary has no unknown token " + unk + " (model.unk_token); WordPiece needs it");
                        }
                        yield new WordPieceTokenizer(vocabulary, unk, TokenizerFiles.text(file, m, "continuing_subword_prefix", "##"),
                                TokenizerFiles.integer(file, m, "max_input_chars_per_word", WordPieceTokenizer.DEFAULT_MAX_INPUT_CHARS_PER_WORD));
                    }
                    case "BPE" -> bpe(m);
                    case "Unigram" -> unigram(m);
                    default -> throw error("model.type", "\"" + type + "\" is not supported; expected \"WordPiece\", \"BPE\" or \"Unigram\"");
                };
            } catch (IllegalArgumentException e) {
                throw error("model", e.getMessage());
            }
        }

        Map<String, Integer> vocabMap(JsonNode vocabNode, String where) {
            if (!vocabNode.isObject() || vocabNode.isEmpty()) {
                throw error(where, "is missing or empty; expected a map from token to id");
            }
            Map<String, Integer> vocab = new LinkedHashMap<>(vocabNode.size() * 2);
            for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                    throw error(where, "maps \"" + e.getKey() + "\" to " + e.getValue() + "; expected a non-negative integer id");
                }
                vocab.put(e.getKey(), e.getValue().asInt());
            }
            return vocab;
        }

        private SubwordModel bpe(JsonNode m) {
            if (m.path("byte_fallback").asBoolean(false)) throw error("model.byte_fallback", "BPE byte fallback is not supported");
            if (m.hasNonNull("dropout") && m.get("dropout").asDouble() > 0) {
                throw error("model.dropout", "BPE dropout samples a different split on every call; expected null or 0 for inference");
            }
            Map<String, Integer> vocab = vocabMap(m.path("vocab"), "model.vocab");
            JsonNode mergesNode = m.path("merges");
            if (!mergesNode.isArray()) throw error("model.merges", "is missing; expected a list of merges");
            List<String[]> merges = new ArrayList<>(mergesNode.size());
            int i = 0;
            for (JsonNode merge : mergesNode) {
                i++;
                if (merge.isTextual()) {
                    String[] pair = merge.asText().split(" ");
                    if (pair.length != 2) throw error("model.merges[" + (i - 1) + "]", "\"" + merge.asText() + "\" is not two tokens separated by one space");
                    merges.add(pair);
                } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                    merges.add(new String[] {merge.get(0).asText(), merge.get(1).asText()});
                } else {
                    throw error("model.merges[" + (i - 1) + "]", merge + " is not a pair of tokens");
                }
            }
            String unk = m.hasNonNull("unk_token") ? m.get("unk_token").asText() : null;
            return new BytePairEncoding(vocab, merges, unk, textOrNull(m, "continuing_subword_prefix"),
                    textOrNull(m, "end_of_word_suffix"), m.path("fuse_unk").asBoolean(false), m.path("ignore_merges").asBoolean(false));
        }

        private SubwordModel unigram(JsonNode m) {
            if (m.path("byte_fallback").asBoolean(false)) throw error("model.byte_fallback", "Unigram byte fallback is not supported");
            JsonNode vocab = m.path("vocab");
            if (!vocab.isArray() || vocab.isEmpty()) throw error("model.vocab", "is missing or empty; expected a list of [piece, score] pairs");
            List<String> pieces = new ArrayList<>(vocab.size());
            List<Double> scores = new ArrayList<>(vocab.size());
            int i = 0;
            for (JsonNode entry : vocab) {
                if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                    throw error("model.vocab[" + i + "]", entry + " is not a [piece, score] pair");
                }
                pieces.add(entry.get(0).asText());
                scores.add(entry.get(1).asDouble());
                i++;
            }
            JsonNode unkId = m.get("unk_id");
            int unk = unkId == null || unkId.isNull() ? -1 : unkId.canConvertToInt() ? unkId.asInt() : -2;
            if (unk < -1) throw error("model.unk_id", unkId + " is not an integer id");
            return new UnigramModel(pieces, scores, unk);
        }

        private static String textOrNull(JsonNode m, String field) {
            return m.hasNonNull(field) ? m.get(field).asText() : null;
        }

        Normalizer normalizer(JsonNode n, String where) {
            if (n.isMissingNode() || n.isNull()) return null;
            String type = n.path("type").asText("");
            return switch (type) {
                case "BertNormalizer" -> {
                    boolean lowercase = TokenizerFiles.bool(file, n, "lowercase", true);
                    Boolean strip = TokenizerFiles.optionalBool(file, n, "strip_accents", null);
                    yield new Normalizer.Bert(TokenizerFiles.bool(file, n, "clean_text", true),
                            TokenizerFiles.bool(file, n, "handle_chinese_chars", true), strip == null ? lowercase : strip, lowercase);
                }
                case "Lowercase" -> new Normalizer.Lowercase();
                case "NFC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFC);
                case "NFD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFD);
                case "NFKC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKC);
                case "NFKD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKD);
                case "StripAccents" -> new Normalizer.StripAccents();
                case "Strip" -> new Normalizer.Strip(TokenizerFiles.bool(file, n, "strip_left", true), TokenizerFiles.bool(file, n, "strip_right", true));
                case "Replace" -> new Normalizer.Replace(pattern(n.path("pattern"), where + ".pattern"), requiredText(n, "content", where));
                case "Prepend" -> new Normalizer.Prepend(requiredText(n, "prepend", where));
                case "Precompiled" -> precompiled(n, where);
                case "Sequence" -> {
                    List<Normalizer> list = new ArrayList<>();
                    int i = 0;
                    for (JsonNode inner : n.path("normalizers")) {
                        Normalizer x = normalizer(inner, where + ".normalizers[" + i++ + "]");
                        if (x != null) list.add(x);
                    }
                    yield new Normalizer.Sequence(list);
                }
                default -> throw error(where + ".type", "\"" + type + "\" is not supported; expected one of BertNormalizer, Lowercase, NFC, NFD, "
                        + "NFKC, NFKD, Strip, StripAccents, Replace, Prepend, Precompiled, Sequence");
            };
        }

        private Normalizer precompiled(JsonNode n, String where) {
            JsonNode map = n.get("precompiled_charsmap");
            if (map == null || map.isNull()) return new Normalizer.Sequence(List.of());
            try {
                return PrecompiledCharsMap.parse(Base64.getDecoder().decode(map.asText()));
            } catch (IllegalArgumentException e) {
                throw error(where + ".precompiled_charsmap", e.getMessage());
            }
        }

        PreTokenizer preTokenizer(JsonNode p, String where) {
            if (p.isMissingNode() || p.isNull()) return null;
            String type = p.path("type").asText("");
            return switch (type) {
                case "BertPreTokenizer" -> new PreTokenizer.Bert();
                case "ByteLevel" -> new ByteLevel(TokenizerFiles.bool(file, p, "add_prefix_space", true), TokenizerFiles.bool(file, p, "use_regex", true));
                case "Metaspace" -> metaspace(p, where);
                case "Whitespace" -> new PreTokenizer.Whitespace();
                case "WhitespaceSplit" -> new PreTokenizer.WhitespaceSplit();
                case "Punctuation" -> new PreTokenizer.Punctuation(behavior(p, where, PreTokenizer.Behavior.ISOLATED));
                case "Digits" -> new PreTokenizer.Digits(TokenizerFiles.bool(file, p, "individual_digits", false));
                case "Split" -> new PreTokenizer.Split(pattern(p.path("pattern"), where + ".pattern"),
                        behavior(p, where, null), TokenizerFiles.bool(file, p, "invert", false));
                case "Sequence" -> {
                    List<PreTokenizer> list = new ArrayList<>();
                    int i = 0;
                    for (JsonNode inner : p.path("pretokenizers")) {
                        PreTokenizer x = preTokenizer(inner, where + ".pretokenizers[" + i++ + "]");
                        if (x != null) list.add(x);
                    }
                    yield new PreTokenizer.Sequence(list);
                }
                default -> throw error(where + ".type", "\"" + type + "\" is not supported; expected one of BertPreTokenizer, ByteLevel, "
                        + "Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits, Split, Sequence");
            };
        }

        private PreTokenizer metaspace(JsonNode p, String where) {
            String replacement = p.path("replacement").asText("\u2581");
            if (replacement.codePointCount(0, replacement.length()) != 1) {
                throw error(where + ".replacement", "\"" + replacement + "\" is not a single character");
            }
            String scheme;
            if (p.hasNonNull("prepend_scheme")) {
                scheme = p.get("prepend_scheme").asText();
                if (!List.of("always", "never", "first").contains(scheme)) {
                    throw error(where + ".prepend_scheme", "\"" + scheme + "\" is not one of always, never, first");
                }
            } else {
                scheme = TokenizerFiles.bool(file, p, "add_prefix_space", true) ? "always" : "never";
            }
            return new PreTokenizer.Metaspace(replacement.codePointAt(0), scheme, TokenizerFiles.bool(file, p, "split", true));
        }

        private PreTokenizer.Behavior behavior(JsonNode p, String where, PreTokenizer.Behavior fallback) {
            JsonNode b = p.get("behavior");
            if (b == null || b.isNull()) {
                if (fallback != null) return fallback;
                throw error(where + ".behavior", "is missing; expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
            }
            return switch (b.asText()) {
                case "Removed" -> PreTokenizer.Behavior.REMOVED;
                case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
                case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
                case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
                default -> throw error(where + ".behavior", "\"" + b.asText()
                        + "\" is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
            };
        }

        /** {@code {"String": s}} (literal) or {@code {"Regex": r}}, read as tokenizers' Oniguruma reads it ({@link OnigurumaRegex}). */
        private Pattern pattern(JsonNode p, String where) {
            if (p.path("String").isTextual()) return Pattern.compile(Pattern.quote(p.get("String").asText()));
            if (p.path("Regex").isTextual()) {
                try {
                    return OnigurumaRegex.compile(p.get("Regex").asText());
                } catch (PatternSyntaxException e) {
                    throw error(where, "the regular expression " + p.get("Regex") + " does not compile: " + e.getDescription());
                }
            }
            throw error(where, p + " is not {\"String\": ...} or {\"Regex\": ...}");
        }

        private String requiredText(JsonNode n, String field, String where) {
            JsonNode v = n.get(field);
            if (v == null || !v.isTextual()) throw error(where + "." + field, "is missing; expected a string");
            return v.asText();
        }

        PostProcessor postProcessor(JsonNode p, String where, String pad, int padId, Map<String, Integer> ids, SubwordModel model) {
            if (p.isMissingNode() || p.isNull()) {
                return new PostProcessor(List.of(PostProcessor.Piece.sequence(0, 0)),
                        List.of(PostProcessor.Piece.sequence(0, 0), PostProcessor.Piece.sequence(1, 1)), Map.of(), false, false, pad, padId);
            }
            String type = p.path("type").asText("");
            switch (type) {
                case "TemplateProcessing":
                    return template(p, where, pad, padId);
                case "BertProcessing": {
                    String[] cls = tokenAndId(p, "cls", where), sep = tokenAndId(p, "sep", where);
                    return PostProcessor.bert(cls[0], Integer.parseInt(cls[1]), sep[0], Integer.parseInt(sep[1]), pad, padId);
                }
                case "RobertaProcessing": {
                    String[] cls = tokenAndId(p, "cls", where), sep = tokenAndId(p, "sep", where);
                    return PostProcessor.roberta(cls[0], Integer.parseInt(cls[1]), sep[0], Integer.parseInt(sep[1]),
                            TokenizerFiles.bool(file, p, "trim_offsets", true),
                            TokenizerFiles.bool(file, p, "add_prefix_space", true), pad, padId);
                }
                case "ByteLevel": {
                    return postProcessor(MissingNode.getInstance(), where, pad, padId, ids, model)
                            .withTrimOffsets(TokenizerFiles.bool(file, p, "trim_offsets", true),
                                    TokenizerFiles.bool(file, p, "add_prefix_space", true));
                }
                case "Sequence": {
                    PostProcessor template = null;
                    boolean trim = false, prefix = false;
                    int i = 0;
                    for (JsonNode inner : p.path("processors")) {
                        String innerWhere = where + ".processors[" + i++ + "]";
                        if ("ByteLevel".equals(inner.path("type").asText())) {
                            trim |= TokenizerFiles.bool(file, inner, "trim_offsets", true);
                            prefix |= TokenizerFiles.bool(file, inner, "add_prefix_space", true);
                        } else if (template != null) {
                            throw error(innerWhere, "a second template-adding processor in a Sequence is not supported");
                        } else {
                            template = postProcessor(inner, innerWhere, pad, padId, ids, model);
                        }
                    }
                    PostProcessor base = template != null ? template : postProcessor(MissingNode.getInstance(), where, pad, padId, ids, model);
                    return trim ? base.withTrimOffsets(true, prefix) : base;
                }
                default:
                    throw error(where + ".type", "\"" + type + "\" is not supported; expected TemplateProcessing, BertProcessing, "
                            + "RobertaProcessing, ByteLevel or Sequence");
            }
        }

        private String[] tokenAndId(JsonNode p, String field, String where) {
            JsonNode v = p.get(field);
            if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).isTextual() || !v.get(1).canConvertToInt()) {
                throw error(where + "." + field, "is " + v + "; expected [token, id]");
            }
            return new String[] {v.get(0).asText(), String.valueOf(v.get(1).asInt())};
        }

        private PostProcessor template(JsonNode p, String where, String pad, int padId) {
            Map<String, PostProcessor.Special> specials = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = p.path("special_tokens").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode idsNode = e.getValue().path("ids"), tokens = e.getValue().path("tokens");
                if (!idsNode.isArray() || !tokens.isArray() || idsNode.size() != tokens.size() || idsNode.isEmpty()) {
                    throw error(where + ".special_tokens." + e.getKey(), "needs lists of ids and tokens of one length");
                }
                int[] idArray = new int[idsNode.size()];
                List<String> tokenList = new ArrayList<>();
                for (int k = 0; k < idArray.length; k++) {
                    idArray[k] = idsNode.get(k).asInt();
                    tokenList.add(tokens.get(k).asText());
                }
                specials.put(e.getKey(), new PostProcessor.Special(idArray, tokenList));
            }
            try {
                return new PostProcessor(pieces(p.path("single"), where + ".single"), pieces(p.path("pair"), where + ".pair"), specials,
                        false, false, pad, padId);
            } catch (IllegalArgumentException e) {
                throw error(where, e.getMessage());
            }
        }

        private List<PostProcessor.Piece> pieces(JsonNode list, String where) {
            if (!list.isArray()) throw error(where, "is missing; expected a list of template pieces");
            List<PostProcessor.Piece> out = new ArrayList<>();
            for (JsonNode piece : list) {
                if (piece.has("SpecialToken")) {
                    JsonNode s = piece.get("SpecialToken");
                    out.add(PostProcessor.Piece.special(s.path("id").asText(), s.path("type_id").asInt(0)));
                } else if (piece.has("Sequence")) {
                    JsonNode s = piece.get("Sequence");
                    String id = s.path("id").asText();
                    if (!id.equals("A") && !id.equals("B")) throw error(where, "sequence " + id + " is not A or B");
                    out.add(PostProcessor.Piece.sequence(id.equals("A") ? 0 : 1, s.path("type_id").asInt(0)));
                } else {
                    throw error(where, piece + " is neither a SpecialToken nor a Sequence");
                }
            }
            return out;
        }
    }
}
