package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Unigram} model of sentencepiece: the segmentation of a word with the highest total log-probability,
 * found by sentencepiece's optimised Viterbi as {@code tokenizers} runs it. A character no piece covers costs the
 * lowest score minus 10 and becomes the unknown token; consecutive unknown characters are fused into one unknown
 * token. Ties keep the shorter piece. Immutable and thread-safe.
 */
final class UnigramModel implements SubwordModel {

    private static final double UNK_PENALTY = 10.0;

    private final String[] pieces;
    private final double[] scores;
    private final Map<String, Integer> ids;
    private final int unkId;
    private final double minScore;
    private final int longestPiece;

    /**
     * @param unkId the unknown piece's id, or -1 when the model has none (then an uncovered character is an error)
     */
    UnigramModel(List<String> pieces, List<Double> scores, int unkId) {
        if (pieces.isEmpty()) throw new IllegalArgumentException("the Unigram vocabulary is empty");
        if (unkId >= pieces.size()) {
            throw new IllegalArgumentException("unk_id " + unkId + " is beyond the " + pieces.size() + " pieces of the vocabulary");
        }
        this.pieces = pieces.toArray(new String[0]);
        this.scores = scores.stream().mapToDouble(Double::doubleValue).toArray();
        this.ids = new HashMap<>(pieces.size() * 2);
        double min = Double.POSITIVE_INFINITY;
        int longest = 1;
        for (int id = 0; id < this.pieces.length; id++) {
            ids.put(this.pieces[id], id);
            min = Math.min(min, this.scores[id]);
            longest = Math.max(longest, this.pieces[id].codePointCount(0, this.pieces[id].length()));
        }
        this.unkId = unkId;
        this.minScore = min;
        this.longestPiece = longest;
    }

    @Override
    public List<Token> tokenize(PreToken word) {
        String text = word.text();
        int n = text.codePointCount(0, text.length());
        int[] charIndex = new int[n + 1];
        for (int i = 0, c = 0; i < n; i++) {
            charIndex[i] = c;
            c = text.offsetByCodePoints(c, 1);
            charIndex[i + 1] = c;
        }
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        int[] id = new int[n + 1];
        Arrays.fill(from, -1);
        double unkScore = minScore - UNK_PENALTY;
        for (int start = 0; start < n; start++) {
            double here = best[start];
            boolean single = false;
            for (int len = 1; len <= longestPiece && start + len <= n; len++) {
                Integer piece = ids.get(text.substring(charIndex[start], charIndex[start + len]));
                if (piece == null) continue;
                int end = start + len;
                double candidate = here + scores[piece];
                if (from[end] < 0 || candidate > best[end]) {
                    best[end] = candidate;
                    from[end] = start;
                    id[end] = piece;
                }
                if (len == 1) single = true;
            }
            if (!single) {
                if (unkId < 0) {
                    throw new IllegalArgumentException("no piece covers \"" + text.substring(charIndex[start], charIndex[start + 1])
                            + "\" and the Unigram model has no unk_id");
                }
                double candidate = here + unkScore;
                if (from[start + 1] < 0 || candidate > best[start + 1]) {
                    best[start + 1] = candidate;
                    from[start + 1] = start;
                    id[start + 1] = unkId;
                }
            }
        }
        List<int[]> spans = new ArrayList<>();
        int end = n;
        int unkEnd = -1;
        while (end > 0) {
            int start = from[end];
            if (id[end] == unkId) {
                if (unkEnd < 0) unkEnd = end;
            } else {
                if (unkEnd >= 0) {
                    spans.add(new int[] {unkId, end, unkEnd});
                    unkEnd = -1;
                }
                spans.add(new int[] {id[end], start, end});
            }
            end = start;
        }
        if (unkEnd >= 0) spans.add(new int[] {unkId, 0, unkEnd});
        List<Token> out = new ArrayList<>(spans.size());
        for (int k = spans.size() - 1; k >= 0; k--) {
            int[] s = spans.get(k);
            int a = charIndex[s[1]], b = charIndex[s[2]];
            String value = text.substring(a, b);
            // tokenizers names an unknown token by the text it covers; only its id is the unknown piece's
            out.add(new Token(value, ids.getOrDefault(value, unkId), word.originalOffset(a, b)));
        }
        return out;
    }

    @Override
    public int idOf(String token) {
        return ids.getOrDefault(token, -1);
    }

    @Override
    public String tokenOf(int id) {
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    @Override
    public int size() {
        return pieces.length;
    }
}
