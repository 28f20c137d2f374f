package dev.jbert.core.tokenizer;

import dev.jbert.core.ModelFileException;
import dev.jbert.core.proto.ProtoReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder whose tokenizer is only a SentencePiece model ({@code sentencepiece.bpe.model}, {@code spm.model}): the
 * tokenizer transformers 5 builds from it, which depends on the tokenizer class, not on the model file alone. The
 * model gives the pieces, their scores and types, the unknown id and the precompiled normalization charsmap; the
 * class gives the normalizer, pre-tokenizer, id layout and template:
 * <ul>
 *   <li>{@code XLMRobertaTokenizer}: fairseq's layout ({@code <s> <pad> </s> <unk>}, then the pieces after the
 *   model's first three, then {@code <mask>}), the Precompiled charsmap, WhitespaceSplit then Metaspace,
 *   {@code <s> A </s></s> B </s>};</li>
 *   <li>{@code DebertaV2Tokenizer}: the pieces in the model's order, whitespace runs collapsed, NFC and trailing
 *   spaces stripped (not the charsmap), optional punctuation split, Metaspace,
 *   {@code [CLS] A [SEP] B [SEP]} with B of type 1.</li>
 * </ul>
 * Control and user-defined pieces become added tokens, as transformers' extractor makes them.
 */
final class SentencePieceFiles {

    /** The folder names transformers gives SentencePiece models, in the order it looks for them. */
    static final List<String> MODEL_FILES = List.of("sentencepiece.bpe.model", "spm.model");

    private static final String FORMAT = "a SentencePiece model";
    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_USER_DEFINED = 4;
    private static final int MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

    private SentencePieceFiles() {
    }

    /** What a SentencePiece ModelProto holds that a tokenizer needs. */
    record Model(List<String> pieces, List<Double> scores, List<Integer> types, int unkId, byte[] precompiledCharsmap) {
    }

    /**
     * @param tokenizerClass {@code tokenizer_class} of tokenizer_config.json, or failing that, the class the folder's
     *                       {@code model_type} implies; null when neither says
     */
    static Tokenizer.Parts read(Path file, String tokenizerClass, TokenizerFiles.Settings settings, List<Path> files) {
        String cls = tokenizerClass == null ? null : tokenizerClass.replaceFirst("Fast$", "");
        if ("XLMRobertaTokenizer".equals(cls)) return xlmRoberta(file, parse(file), settings, files);
        if ("DebertaV2Tokenizer".equals(cls)) return debertaV2(file, parse(file), settings, files);
        throw new ModelFileException(file, tokenizerClass == null
                ? "is a SentencePiece model, but neither tokenizer_config.json's tokenizer_class nor config.json's model_type says"
                  + " which tokenizer it belongs to; expected XLMRobertaTokenizer or DebertaV2Tokenizer (or a tokenizer.json)"
                : "is a SentencePiece model for " + tokenizerClass + ", which is not read from a model file here; expected"
                  + " XLMRobertaTokenizer or DebertaV2Tokenizer, or a tokenizer.json beside it");
    }

    /** The tokenizer class a {@code config.json} {@code model_type} implies, as AutoTokenizer maps it; null for others. */
    static String classForModelType(String modelType) {
        if (modelType == null) return null;
        return switch (modelType) {
            case "xlm-roberta" -> "XLMRobertaTokenizer";
            case "deberta-v2" -> "DebertaV2Tokenizer";
            default -> null;
        };
    }

    private static Tokenizer.Parts xlmRoberta(Path file, Model m, TokenizerFiles.Settings s, List<Path> files) {
        String bos = or(s.bosToken, "<s>"), eos = or(s.eosToken, "</s>"), unk = s.named("unk_token", s.unkToken, "<unk>");
        String pad = s.named("pad_token", s.padToken, "<pad>"), mask = s.named("mask_token", s.maskToken, "<mask>");
        String cls = s.named("cls_token", s.clsToken, "<s>"), sep = s.named("sep_token", s.sepToken, "</s>");
        if (m.pieces().size() < 3) {
            throw new ModelFileException(file, "has " + m.pieces().size() + " pieces; XLM-RoBERTa's layout replaces the first three, so expected more");
        }
        List<String> pieces = new ArrayList<>(List.of(bos, pad, eos, unk));
        List<Double> scores = new ArrayList<>(List.of(0.0, 0.0, 0.0, 0.0));
        pieces.addAll(m.pieces().subList(3, m.pieces().size()));
        scores.addAll(m.scores().subList(3, m.scores().size()));
        pieces.add(mask);
        scores.add(0.0);
        UnigramModel model = new UnigramModel(pieces, scores, 3);
        Normalizer normalizer = m.precompiledCharsmap().length == 0 ? null : charsmap(file, m.precompiledCharsmap());
        boolean prefixSpace = s.addPrefixSpace == null || s.addPrefixSpace;
        PreTokenizer pre = new PreTokenizer.Sequence(List.of(new PreTokenizer.WhitespaceSplit(), metaspace(prefixSpace ? "always" : "never")));
        List<PostProcessor.Piece> single = List.of(PostProcessor.Piece.special(bos, 0), PostProcessor.Piece.sequence(0, 0),
                PostProcessor.Piece.special(eos, 0));
        List<PostProcessor.Piece> pair = List.of(PostProcessor.Piece.special(bos, 0), PostProcessor.Piece.sequence(0, 0),
                PostProcessor.Piece.special(eos, 0), PostProcessor.Piece.special(eos, 0), PostProcessor.Piece.sequence(1, 0),
                PostProcessor.Piece.special(eos, 0));
        return assemble(file, m, model, normalizer, pre, single, pair, List.of(bos, eos, sep, cls, unk, pad, mask), bos, eos, unk, pad, mask,
                s, files);
    }

    private static Tokenizer.Parts debertaV2(Path file, Model m, TokenizerFiles.Settings s, List<Path> files) {
        String cls = s.clsToken, sep = s.sepToken, unk = s.unkToken, pad = s.padToken, mask = s.maskToken;
        String bos = or(s.bosToken, "[CLS]"), eos = or(s.eosToken, "[SEP]");
        int unkId = m.unkId();
        for (int i = 0; i < m.pieces().size(); i++) {
            if (m.pieces().get(i).equals(unk) && m.scores().get(i) == 0.0) {
                unkId = i;
                break;
            }
        }
        UnigramModel model = new UnigramModel(m.pieces(), m.scores(), unkId);
        List<Normalizer> normalizers = new ArrayList<>();
        if (s.lowercase != null && s.lowercase) normalizers.add(new Normalizer.Lowercase());
        normalizers.add(new Normalizer.Replace(OnigurumaRegex.compile("\\s{2,}|[\\n\\r\\t]"), " "));
        normalizers.add(new Normalizer.Unicode(java.text.Normalizer.Form.NFC));
        normalizers.add(new Normalizer.Strip(false, true));
        List<PreTokenizer> pre = new ArrayList<>();
        if (s.splitByPunct) pre.add(new PreTokenizer.Punctuation(PreTokenizer.Behavior.ISOLATED));
        pre.add(metaspace(s.addPrefixSpace == null || s.addPrefixSpace ? "always" : "first"));
        List<PostProcessor.Piece> single = List.of(PostProcessor.Piece.special(cls, 0), PostProcessor.Piece.sequence(0, 0),
                PostProcessor.Piece.special(sep, 0));
        List<PostProcessor.Piece> pair = List.of(PostProcessor.Piece.special(cls, 0), PostProcessor.Piece.sequence(0, 0),
                PostProcessor.Piece.special(sep, 0), PostProcessor.Piece.sequence(1, 1), PostProcessor.Piece.special(sep, 1));
        return assemble(file, m, model, new Normalizer.Sequence(normalizers), new PreTokenizer.Sequence(pre), single, pair,
                List.of(bos, eos, unk, sep, cls, pad, mask), cls, sep, unk, pad, mask, s, files);
    }

    private static Tokenizer.Parts assemble(Path file, Model m, UnigramModel model, Normalizer normalizer, PreTokenizer pre,
                                            List<PostProcessor.Piece> single, List<PostProcessor.Piece> pair, List<String> specialNames,
                                            String first, String second, String unk, String pad, String mask,
                                            TokenizerFiles.Settings s, List<Path> files) {
        Map<String, AddedToken> added = new LinkedHashMap<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String name : specialNames) {
            int id = model.idOf(name);
            if (id >= 0) {
                added.putIfAbsent(name, s.addedTokens.getOrDefault(name, AddedToken.special(name)));
                ids.put(name, id);
            }
        }
        for (int i = 0; i < m.pieces().size(); i++) {
            int type = m.types().get(i);
            if (type != TYPE_CONTROL && type != TYPE_USER_DEFINED) continue;
            String piece = m.pieces().get(i);
            int id = model.idOf(piece);
            if (id < 0 || added.containsKey(piece)) continue;
            added.put(piece, new AddedToken(piece, type == TYPE_CONTROL, false, false, false, false));
            ids.put(piece, id);
        }
        for (String required : List.of(first, second)) {
            if (!ids.containsKey(required)) throw new ModelFileException(file, "has no piece " + required + ", which the template needs");
        }
        Map<String, PostProcessor.Special> specials = new LinkedHashMap<>();
        specials.put(first, PostProcessor.Special.of(first, ids.get(first)));
        specials.put(second, PostProcessor.Special.of(second, ids.get(second)));
        String padToken = ids.containsKey(pad) ? pad : null;
        int padId = padToken == null ? -1 : ids.get(pad);
        PostProcessor processor = new PostProcessor(single, pair, specials, false, false, padToken, padId);
        BasicTokenizer splitter = new BasicTokenizer(normalizer, pre, new ArrayList<>(added.values()));
        return new Tokenizer.Parts(model, splitter, processor, false, ids, ids.containsKey(unk) ? unk : null, padToken,
                ids.containsKey(mask) ? mask : null, s.modelMaxLength, file, files, null);
    }

    /** Reads the ModelProto fields a tokenizer needs: pieces (1), trainer_spec (2) and normalizer_spec (3). */
    static Model parse(Path file) {
        ByteBuffer data = readAll(file);
        List<String> pieces = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        int unkId = 0;
        byte[] charsmap = new byte[0];
        ProtoReader model = new ProtoReader(file, data, "ModelProto", FORMAT);
        while (model.next()) {
            switch (model.field()) {
                case 1 -> readPiece(model.message("SentencePiece"), pieces, scores, types);
                case 2 -> unkId = readUnkId(model.message("TrainerSpec"), unkId);
                case 3 -> charsmap = readCharsmap(model.message("NormalizerSpec"), charsmap);
                default -> model.skip();
            }
        }
        if (pieces.isEmpty()) throw new ModelFileException(file, "holds no pieces (ModelProto field 1); expected " + FORMAT);
        if (unkId < 0 || unkId >= pieces.size()) {
            throw new ModelFileException(file, "trainer_spec.unk_id is " + unkId + " but the model has " + pieces.size() + " pieces");
        }
        return new Model(pieces, scores, types, unkId, charsmap);
    }

    private static void readPiece(ProtoReader r, List<String> pieces, List<Double> scores, List<Integer> types) {
        String piece = null;
        float score = 0f;
        int type = TYPE_NORMAL;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> piece = r.string();
                case 2 -> score = Float.intBitsToFloat(r.fixed32());
                case 3 -> type = (int) r.varint();
                default -> r.skip();
            }
        }
        if (piece == null || piece.isEmpty()) {
            throw new ModelFileException(r.file(), "piece " + pieces.size() + " has no text (SentencePiece field 1)");
        }
        pieces.add(piece);
        scores.add((double) score);
        types.add(type);
    }

    private static int readUnkId(ProtoReader r, int unkId) {
        while (r.next()) {
            if (r.field() == 40) unkId = (int) r.varint();
            else r.skip();
        }
        return unkId;
    }

    private static byte[] readCharsmap(ProtoReader r, byte[] charsmap) {
        while (r.next()) {
            if (r.field() == 2) {
                ByteBuffer b = r.bytes();
                charsmap = new byte[b.remaining()];
                b.get(charsmap);
            } else {
                r.skip();
            }
        }
        return charsmap;
    }

    private static ByteBuffer readAll(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_MODEL_BYTES) {
                throw new ModelFileException(file, "is " + size + " bytes; a SentencePiece model is one protobuf message under 2 GB");
            }
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Normalizer charsmap(Path file, byte[] bytes) {
        try {
            return PrecompiledCharsMap.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "normalizer_spec." + e.getMessage());
        }
    }

    private static PreTokenizer metaspace(String prependScheme) {
        return new PreTokenizer.Metaspace('\u2581', prependScheme, true);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
