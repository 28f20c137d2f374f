package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    /** (left id, right id) to its rank; {@link #mergedIds} holds what each rank makes. */
    private final PairTable merges;
    private final int[] mergedIds;
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
        this.merges = new PairTable(merges.size());
        this.mergedIds = new int[merges.size()];
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
            this.merges.put(a, b, rank);
            this.mergedIds[rank] = merged;
        }
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
        LongHeap queue = new LongHeap(n);
        for (int k = 0; k + 1 < n; k++) enqueue(queue, id, k, k + 1);
        boolean[] gone = new boolean[n];
        while (queue.size > 0) {
            long top = queue.poll();
            int rank = (int) (top >>> 32), left = (int) top;
            int right = next[left];
            if (gone[left] || right < 0) continue;
            if (merges.get(id[left], id[right]) != rank) continue;
            id[left] = mergedIds[rank];
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
    private void enqueue(LongHeap queue, int[] id, int left, int right) {
        int rank = merges.get(id[left], id[right]);
        if (rank >= 0) queue.add(((long) rank << 32) | left);
    }

    /**
     * Pair of ids to rank, open addressing over a mixed key: boxed {@code Long} keys hash a pair to {@code a ^ b},
     * which collides for most merges of a large vocabulary.
     */
    private static final class PairTable {
        private final long[] keys;
        private final int[] ranks;
        private final int mask;

        PairTable(int entries) {
            int capacity = Integer.highestOneBit(Math.max(4, entries) * 2 - 1) << 1;
            keys = new long[capacity];
            ranks = new int[capacity];
            Arrays.fill(ranks, -1);
            mask = capacity - 1;
        }

        /** A repeated pair keeps its last rank, as the map tokenizers builds does. */
        void put(int a, int b, int rank) {
            long key = key(a, b);
            int slot = slot(key);
            while (ranks[slot] >= 0 && keys[slot] != key) slot = (slot + 1) & mask;
            keys[slot] = key;
            ranks[slot] = rank;
        }

        /** The pair's rank, or -1. */
        int get(int a, int b) {
            long key = key(a, b);
            for (int slot = slot(key); ranks[slot] >= 0; slot = (slot + 1) & mask) {
                if (keys[slot] == key) return ranks[slot];
            }
            return -1;
        }

        private static long key(int a, int b) {
            return ((long) a << 32) | (b & 0xFFFFFFFFL);
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }

    /** A binary min-heap of longs, without boxing. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(capacity, 4)];
        }

        void add(long v) {
            if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
            int i = size++;
            while (i > 0 && heap[(i - 1) >>> 1] > v) {
                heap[i] = heap[(i - 1) >>> 1];
                i = (i - 1) >>> 1;
            }
            heap[i] = v;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && heap[child + 1] < heap[child]) child++;
                if (heap[child] >= last) break;
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
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
