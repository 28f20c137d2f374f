package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BPE} model: a word starts as its characters and the pair with the lowest merge rank is merged, the
 * leftmost first on a tie, until no pair has a merge, as {@code tokenizers}' {@code Word::merge_all} does. A character
 * outside the vocabulary becomes the unknown token (consecutive ones fused with {@code fuse_unk}), or is dropped when
 * the model has none. Immutable and thread-safe.
 */
final class BytePairEncoding implements SubwordModel {

    private static final int CACHE_LIMIT = 10_000;

    private final Map<String, Integer> vocab;
    private final String[] byId;
    /** (left id, right id) to {rank, merged id}. */
    private final Map<Long, int[]> merges;
    private final String unkToken;
    private final int unkId;
    private final String continuingSubwordPrefix;
    private final String endOfWordSuffix;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final Map<String, List<int[]>> cache = new ConcurrentHashMap<>();

    /**
     * @param merges pairs in rank order; both sides and their concatenation must be in the vocabulary
     * @throws IllegalArgumentException naming the first merge that is not
     */
    BytePairEncoding(Map<String, Integer> vocab, List<String[]> merges, String unkToken, String continuingSubwordPrefix,
                     String endOfWordSuffix, boolean fuseUnk, boolean ignoreMerges) {
        this.vocab = Map.copyOf(vocab);
        int max = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.byId = new String[max + 1];
        vocab.forEach((t, id) -> byId[id] = t);
        this.unkToken = unkToken;
        this.unkId = unkToken == null ? -1 : vocab.getOrDefault(unkToken, -1);
        if (unkToken != null && unkId < 0) throw new IllegalArgumentException("the unknown token " + unkToken + " is not in the vocabulary");
        this.continuingSubwordPrefix = continuingSubwordPrefix == null ? "" : continuingSubwordPrefix;
        this.endOfWordSuffix = endOfWordSuffix == null ? "" : endOfWordSuffix;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        this.merges = new HashMap<>(merges.size() * 2);
        int prefixLength = this.continuingSubwordPrefix.length();
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]);
            String joined = m[0] + m[1].substring(Math.min(prefixLength, m[1].length()));
            Integer merged = vocab.get(joined);
            if (a == null || b == null || merged == null) {
                throw new IllegalArgumentException("merge " + (rank + 1) + " \"" + m[0] + " " + m[1] + "\" uses a token that is not in the vocabulary: "
                        + (a == null ? m[0] : b == null ? m[1] : joined));
            }
            // a repeated pair keeps its last rank, as the map tokenizers builds does
            this.merges.put(key(a, b), new int[] {rank, merged});
        }
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public List<Token> tokenize(PreToken word) {
        String text = word.text();
        List<int[]> symbols = cache.get(text);
        if (symbols == null) {
            symbols = merge(text);
            if (cache.size() < CACHE_LIMIT) cache.put(text, symbols);
        }
        List<Token> out = new ArrayList<>(symbols.size());
        for (int[] s : symbols) out.add(new Token(byId[s[0]], s[0], word.originalOffset(s[1], s[2])));
        return out;
    }

    /** The symbols of a word: {id, first char, end char}. */
    private List<int[]> merge(String text) {
        if (ignoreMerges && vocab.containsKey(text)) return List.of(new int[] {vocab.get(text), 0, text.length()});
        List<int[]> symbols = new ArrayList<>();
        int[] pendingUnk = null;
        for (int i = 0; i < text.length(); ) {
            int end = text.offsetByCodePoints(i, 1);
            String c = text.substring(i, end);
            if (i > 0) c = continuingSubwordPrefix + c;
            if (end == text.length()) c = c + endOfWordSuffix;
            Integer id = vocab.get(c);
            if (id != null) {
                if (pendingUnk != null) {
                    symbols.add(pendingUnk);
                    pendingUnk = null;
                }
                symbols.add(new int[] {id, i, end});
            } else if (unkId >= 0) {
                if (fuseUnk && pendingUnk != null) pendingUnk[2] = end;
                else {
                    if (pendingUnk != null) symbols.add(pendingUnk);
                    pendingUnk = new int[] {unkId, i, end};
                }
            }
            i = end;
        }
        if (pendingUnk != null) symbols.add(pendingUnk);
        return mergeAll(symbols);
    }

    /**
     * Applies merges lowest rank first, leftmost first on a tie, as a queue of candidate pairs over a linked list of
     * symbols (tokenizers' {@code Word::merge_all}): a word of n characters costs O(n log n), where rescanning the
     * word for every merge cost O(n²) and let one long word stall a server. A queued pair whose symbols have since
     * changed is skipped when it comes out.
     */
    private List<int[]> mergeAll(List<int[]> symbols) {
        int n = symbols.size();
        if (n < 2) return List.copyOf(symbols);
        int[] id = new int[n], start = new int[n], end = new int[n], prev = new int[n], next = new int[n];
        for (int k = 0; k < n; k++) {
            int[] s = symbols.get(k);
            id[k] = s[0];
            start[k] = s[1];
            end[k] = s[2];
            prev[k] = k - 1;
            next[k] = k + 1 < n ? k + 1 : -1;
        }
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int k = 0; k + 1 < n; k++) enqueue(queue, id, k, k + 1);
        boolean[] gone = new boolean[n];
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int rank = (int) (top >>> 32), left = (int) top;
            int right = next[left];
            if (gone[left] || right < 0) continue;
            int[] m = merges.get(key(id[left], id[right]));
            if (m == null || m[0] != rank) continue;
            id[left] = m[1];
            end[left] = end[right];
            gone[right] = true;
            next[left] = next[right];
            if (next[left] >= 0) prev[next[left]] = left;
            if (prev[left] >= 0) enqueue(queue, id, prev[left], left);
            if (next[left] >= 0) enqueue(queue, id, left, next[left]);
        }
        List<int[]> out = new ArrayList<>();
        for (int k = 0; k >= 0; k = next[k]) out.add(new int[] {id[k], start[k], end[k]});
        return List.copyOf(out);
    }

    /** Queues the pair (left, right) if it has a merge, ordered by rank, then by the left symbol's position. */
    private void enqueue(PriorityQueue<Long> queue, int[] id, int left, int right) {
        int[] m = merges.get(key(id[left], id[right]));
        if (m != null) queue.add(((long) m[0] << 32) | left);
    }

    @Override
    public int idOf(String token) {
        return vocab.getOrDefault(token, -1);
    }

    @Override
    public String tokenOf(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    @Override
    public int size() {
        return byId.length;
    }

    String unkToken() {
        return unkToken;
    }
}
