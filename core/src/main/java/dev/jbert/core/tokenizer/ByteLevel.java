package dev.jbert.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code ByteLevel} pre-tokenizer of GPT-2 and RoBERTa: an optional space before the text, GPT-2's word regex,
 * then every UTF-8 byte as one printable code point (so BPE never sees an unknown character). The extra code points
 * of a multi-byte character keep its span, so a token holding part of a character reports the whole character.
 *
 * @param addPrefixSpace a space before text that does not start with one, so the first word looks like the others
 * @param useRegex       split on GPT-2's pattern; otherwise the piece stays whole
 */
record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

    /** GPT-2's pattern, with Oniguruma's Unicode {@code \s}. */
    private static final Pattern GPT2 = OnigurumaRegex.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /** The code point standing for each byte: printable Latin-1 bytes stand for themselves, the others from U+0100 on. */
    private static final int[] BYTE_CHARS = byteChars();

    /** The code point a space byte becomes, Ġ. */
    static final int SPACE = BYTE_CHARS[' '];

    @Override
    public List<NormalizedString> split(NormalizedString s) {
        if (addPrefixSpace && (s.isEmpty() || s.codePointAt(0) != ' ')) s.prepend(" ");
        List<NormalizedString> pieces = useRegex ? PreTokenizer.cut(s, PreTokenizer.matchesOf(s, GPT2), Behavior.ISOLATED)
                : s.isEmpty() ? List.of() : List.of(s);
        for (NormalizedString piece : pieces) toBytes(piece);
        return pieces;
    }

    private static void toBytes(NormalizedString s) {
        int n = s.size();
        int[] next = new int[n * 4];
        int[] changes = new int[n * 4];
        int k = 0;
        for (int i = 0; i < n; i++) {
            byte[] bytes = new String(Character.toChars(s.codePointAt(i))).getBytes(StandardCharsets.UTF_8);
            for (int b = 0; b < bytes.length; b++) {
                next[k] = BYTE_CHARS[bytes[b] & 0xFF];
                changes[k] = b > 0 ? 1 : 0;
                k++;
            }
        }
        s.transform(next, changes, k, 0);
    }

    /**
     * {@code trim_offsets}: a token's leading and trailing spaces leave its offsets, except the space
     * {@code add_prefix_space} put before the first word. tokenizers trims offsets already converted to code points,
     * so a space counts one code point of the token's source, even where the prefix space stands on a character
     * outside the BMP, two Java chars.
     *
     * @param sources per token, the text its offsets point into
     */
    static List<Offset> trimOffsets(List<String> tokens, List<Offset> offsets, List<String> sources, boolean addPrefixSpace) {
        List<Offset> out = new ArrayList<>(offsets.size());
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            Offset o = offsets.get(i);
            int leading = 0, trailing = 0;
            int[] cps = token.codePoints().toArray();
            while (leading < cps.length && isSpace(cps[leading])) leading++;
            while (trailing < cps.length && isSpace(cps[cps.length - 1 - trailing])) trailing++;
            int start = o.start(), end = o.end();
            String source = sources.get(i);
            if (leading > 0) {
                boolean first = i == 0 || start == 0;
                if (!(first && addPrefixSpace && leading == 1)) start = Math.min(forward(source, start, leading), end);
            }
            int trimmed = trailing > 0 ? back(source, end, trailing) : -1;
            if (trimmed >= 0) end = Math.max(trimmed, start);
            out.add(new Offset(start, end));
        }
        return out;
    }

    /** {@code count} code points back from {@code from}, or -1 when fewer precede it. */
    private static int back(String source, int from, int count) {
        int p = from;
        for (int k = 0; k < count; k++) {
            if (p == 0) return -1;
            p = source.offsetByCodePoints(p, -1);
        }
        return p;
    }

    /** {@code count} code points on from {@code from}, stopping at the end of {@code source}. */
    private static int forward(String source, int from, int count) {
        int p = from;
        for (int k = 0; k < count && p < source.length(); k++) p = source.offsetByCodePoints(p, 1);
        return p;
    }

    private static boolean isSpace(int c) {
        return c == SPACE || CharClasses.isWhitespace(c);
    }

    private static int[] byteChars() {
        int[] chars = new int[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int extra = 0;
        for (int b = 0; b < 256; b++) chars[b] = printable[b] ? b : 256 + extra++;
        return chars;
    }
}
