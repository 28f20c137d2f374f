package dev.jbert.core.tokenizer;

/**
 * One word out of the {@link BasicTokenizer}: normalised text ready for WordPiece, or an added token kept
 * whole, plus where each of its characters came from in the original text.
 *
 * <p>Offsets are Java {@code char} indices into the original string, start inclusive, end exclusive.
 * Hugging Face reports Python code point indices instead; the two agree unless the text has characters
 * outside the Basic Multilingual Plane (emoji, for instance) before the token.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class PreToken {

    private final String text;
    private final int[] charStarts;
    private final int[] charEnds;
    private final AddedToken addedToken;

    /**
     * @param text       the normalised text
     * @param charStarts for every {@code char} of {@code text}, where its source starts in the original
     * @param charEnds   for every {@code char} of {@code text}, where its source ends in the original
     * @param addedToken the added token this word is, or null for ordinary text
     */
    PreToken(String text, int[] charStarts, int[] charEnds, AddedToken addedToken) {
        if (text.isEmpty() || charStarts.length != text.length() || charEnds.length != text.length()) {
            throw new IllegalArgumentException("a pre-token needs text and one span per char");
        }
        this.text = text;
        this.charStarts = charStarts;
        this.charEnds = charEnds;
        this.addedToken = addedToken;
    }

    /** Builds the pre-token for code points {@code [from, to)} of a normalised string. */
    static PreToken of(NormalizedString s, int from, int to, AddedToken addedToken) {
        String text = s.text(from, to);
        int[] starts = new int[text.length()];
        int[] ends = new int[text.length()];
        int k = 0;
        for (int i = from; i < to; i++) {
            int width = Character.charCount(s.codePointAt(i));
            for (int w = 0; w < width; w++) {
                starts[k] = s.startAt(i);
                ends[k] = s.endAt(i);
                k++;
            }
        }
        return new PreToken(text, starts, ends, addedToken);
    }

    /**
     * The normalised text (for an added token, the text as matched).
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * Start of the word in the original text.
     *
     * @return a {@code char} index into the original text
     */
    public int start() {
        return charStarts[0];
    }

    /**
     * End (exclusive) of the word in the original text.
     *
     * @return a {@code char} index into the original text
     */
    public int end() {
        return charEnds[charEnds.length - 1];
    }

    /**
     * Whether this word is an added or special token, which bypasses WordPiece.
     *
     * @return whether {@link #addedToken()} is not null
     */
    public boolean isAddedToken() {
        return addedToken != null;
    }

    /**
     * The added token this word is, or null.
     *
     * @return the added token, or null
     */
    public AddedToken addedToken() {
        return addedToken;
    }

    /**
     * The original span of the normalised characters {@code [from, to)} of {@link #text()}: from the start
     * of the first one's source to the end of the last one's, as {@code tokenizers} computes it.
     *
     * @param from the first normalised character
     * @param to   one past the last, {@code > from}
     * @return the span in the original text
     * @throws IllegalArgumentException if the range is empty or outside the text
     */
    public Offset originalOffset(int from, int to) {
        if (from < 0 || to > text.length() || from >= to) {
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ") in a word of " + text.length() + " chars");
        }
        return new Offset(charStarts[from], charEnds[to - 1]);
    }

    @Override
    public String toString() {
        return text + "(" + start() + "," + end() + ")";
    }
}
