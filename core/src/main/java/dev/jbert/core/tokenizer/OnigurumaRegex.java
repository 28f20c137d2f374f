package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regular expressions of {@code tokenizers} (Oniguruma, Ruby syntax, Unicode 16) to {@link Pattern}s that
 * match the same text on Java 17 (Unicode 13). What it rewrites:
 * <ul>
 * <li>class escapes {@code \p{..}} (general categories by short or long name, {@code LC}, the POSIX names), their
 * negations {@code \P{..}}, {@code \p{^..}}, POSIX brackets {@code [:alpha:]}, {@code [:^alpha:]}, and {@code \s \S
 * \w \W \d \D \h \H} (Oniguruma's {@code \h} is a hex digit): each becomes Java's class plus the code points Unicode
 * 14 to 16 added, minus those they moved ({@link UnicodeTables#CLASSES}, taken from tokenizers itself), in and out of
 * {@code [...]};</li>
 * <li>{@code \b}, {@code \B} outside classes, as look-arounds on that {@code \w};</li>
 * <li>Ruby's option {@code (?m)}, which is Java's {@code (?s)}; {@code .}, {@code ^} and {@code $} are Ruby's through
 * {@link Pattern#UNIX_LINES} and {@link Pattern#MULTILINE} ({@code .} stops only at {@code \n}, {@code ^}/{@code $}
 * at every line).</li>
 * </ul>
 * A property name outside those (a script such as {@code \p{Han}}, a block) is rejected: Java's tables for it are of
 * another Unicode version. Everything else is kept as written. Not matched as Oniguruma does: case-insensitive
 * matching of letters added after Unicode 13, and {@code \X}.
 *
 * <p>Added code points are grouped into nested {@code [lo-hi&&[...]]} classes of at most eight members, so a code
 * point outside a group's span is rejected in one comparison: Java tests a class's members one by one.
 */
final class OnigurumaRegex {

    /** Which engine's classes to reproduce: tokenizers' Oniguruma, or its Rust {@code regex} crate ({@code Whitespace}). */
    enum Flavor { ONIGURUMA, RUST }

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES | Pattern.MULTILINE;
    private static final int GROUP = 8;
    private static final Map<String, String> CLASS = new HashMap<>();
    private static final Map<String, String> NAMES = new HashMap<>();

    static {
        for (String[] row : UnicodeTables.CLASSES) CLASS.put(row[0], build(row[1], parse(row[2]), parse(row[3])));
        String[][] longNames = {{"letter", "L"}, {"uppercaseletter", "Lu"}, {"lowercaseletter", "Ll"}, {"titlecaseletter", "Lt"},
                {"modifierletter", "Lm"}, {"otherletter", "Lo"}, {"casedletter", "LC"}, {"mark", "M"}, {"combiningmark", "M"},
                {"nonspacingmark", "Mn"}, {"spacingmark", "Mc"}, {"enclosingmark", "Me"}, {"number", "N"}, {"decimalnumber", "Nd"},
                {"letternumber", "Nl"}, {"othernumber", "No"}, {"punctuation", "P"}, {"connectorpunctuation", "Pc"},
                {"dashpunctuation", "Pd"}, {"openpunctuation", "Ps"}, {"closepunctuation", "Pe"}, {"initialpunctuation", "Pi"},
                {"finalpunctuation", "Pf"}, {"otherpunctuation", "Po"}, {"symbol", "S"}, {"mathsymbol", "Sm"},
                {"currencysymbol", "Sc"}, {"modifiersymbol", "Sk"}, {"othersymbol", "So"}, {"separator", "Z"},
                {"spaceseparator", "Zs"}, {"lineseparator", "Zl"}, {"paragraphseparator", "Zp"}, {"other", "C"}, {"control", "Cc"},
                {"format", "Cf"}, {"privateuse", "Co"}, {"unassigned", "Cn"}};
        for (String[] row : UnicodeTables.CLASSES) {
            String key = row[0];
            if (!key.contains(":") && key.length() > 1 || Character.isUpperCase(key.charAt(0))) NAMES.put(key.toLowerCase(Locale.ROOT), key);
        }
        for (String[] n : longNames) NAMES.put(n[0], n[1]);
        CLASS.put("Cs", "\\p{Cs}");
        NAMES.put("cs", "Cs");
        NAMES.put("surrogate", "Cs");
        CLASS.put("h", "[0-9a-fA-F]");
    }

    private OnigurumaRegex() {
    }

    /** {@code regex} as tokenizers' Oniguruma reads it. */
    static Pattern compile(String regex) {
        return Pattern.compile(translate(regex, Flavor.ONIGURUMA), FLAGS);
    }

    /** {@code regex} as the Rust {@code regex} crate reads it (only {@code \w}, {@code \s} and their negations differ). */
    static Pattern compileRust(String regex) {
        return Pattern.compile(translate(regex, Flavor.RUST), Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** The Java expression for {@code regex}. */
    static String translate(String regex, Flavor flavor) {
        StringBuilder out = new StringBuilder(regex.length() * 2);
        int depth = 0;
        int n = regex.length();
        for (int i = 0; i < n; ) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char e = regex.charAt(i + 1);
                switch (e) {
                    case 'p', 'P' -> {
                        if (i + 2 < n && regex.charAt(i + 2) == '{') {
                            int close = regex.indexOf('}', i + 3);
                            if (close < 0) throw new PatternSyntaxException("unclosed property name", regex, i);
                            String name = regex.substring(i + 3, close);
                            boolean negate = e == 'P';
                            if (name.startsWith("^")) {
                                negate = !negate;
                                name = name.substring(1);
                            }
                            out.append(cls(property(name, regex, i), negate));
                            i = close + 1;
                            continue;
                        }
                    }
                    case 's', 'S', 'w', 'W', 'd', 'D', 'h', 'H' -> {
                        String key = String.valueOf(Character.toLowerCase(e));
                        if (flavor == Flavor.RUST && (e == 'w' || e == 'W' || e == 's' || e == 'S')) key = "rust:" + key;
                        out.append(flavor == Flavor.RUST && (e == 'h' || e == 'H') ? "\\" + e : cls(key, Character.isUpperCase(e)));
                        i += 2;
                        continue;
                    }
                    case 'b', 'B' -> {
                        if (depth == 0 && flavor == Flavor.ONIGURUMA) {
                            String w = CLASS.get("w");
                            out.append(e == 'b' ? "(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))"
                                    : "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))");
                            i += 2;
                            continue;
                        }
                    }
                    default -> {
                    }
                }
                out.append(c).append(e);
                i += 2;
                continue;
            }
            if (c == '[') {
                if (depth > 0 && regex.startsWith("[:", i)) {
                    int close = regex.indexOf(":]", i + 2);
                    if (close > 0) {
                        String name = regex.substring(i + 2, close);
                        boolean negate = name.startsWith("^");
                        if (negate) name = name.substring(1);
                        String key = "posix:" + name;
                        if (!CLASS.containsKey(key)) {
                            throw new PatternSyntaxException("[:" + name + ":] is not a POSIX class", regex, i);
                        }
                        out.append(cls(key, negate));
                        i = close + 2;
                        continue;
                    }
                }
                depth++;
                out.append('[');
                i++;
                if (i < n && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                if (i < n && regex.charAt(i) == ']') { // a ']' first is a literal in Oniguruma
                    out.append("\\]");
                    i++;
                }
                continue;
            }
            if (c == ']' && depth > 0) depth--;
            if (c == '(' && depth == 0 && flavor == Flavor.ONIGURUMA && regex.startsWith("(?", i)) {
                int j = i + 2;
                while (j < n && "imx-".indexOf(regex.charAt(j)) >= 0) j++;
                if (j > i + 2 && j < n && (regex.charAt(j) == ':' || regex.charAt(j) == ')')) {
                    out.append("(?").append(regex.substring(i + 2, j).replace('m', 's'));
                    i = j;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String property(String name, String regex, int at) {
        String key = NAMES.get(name.replaceAll("[ _-]", "").toLowerCase(Locale.ROOT));
        if (key == null) {
            throw new PatternSyntaxException("\\p{" + name + "} is not a class jbert matches as tokenizers does (general categories "
                    + "such as L, Lu, N, P, their long names, and the POSIX classes Alpha, Alnum, Upper, Lower, Punct, Digit, Space, "
                    + "Blank, Cntrl, Graph, Print, XDigit, Word)", regex, at);
        }
        return key;
    }

    private static String cls(String key, boolean negate) {
        String c = CLASS.get(key);
        return negate ? "[^" + c + "]" : c;
    }

    /** The Java class of {@code base} plus {@code add} minus {@code remove}, each a list of {from, to} ranges. */
    static String build(String base, List<int[]> add, List<int[]> remove) {
        if (add.isEmpty() && remove.isEmpty()) return base;
        StringBuilder b = new StringBuilder("[").append(base);
        if (!add.isEmpty()) b.append(grouped(add));
        if (!remove.isEmpty()) {
            b.append("&&[^");
            for (int[] r : remove) b.append(range(r));
            b.append(']');
        }
        return b.append(']').toString();
    }

    /** Ranges as nested classes of at most {@link #GROUP} members, each guarded by its span. */
    private static String grouped(List<int[]> ranges) {
        List<String> items = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        for (int[] r : ranges) {
            items.add(range(r));
            spans.add(r);
        }
        while (items.size() > GROUP) {
            List<String> nextItems = new ArrayList<>();
            List<int[]> nextSpans = new ArrayList<>();
            for (int k = 0; k < items.size(); k += GROUP) {
                int end = Math.min(items.size(), k + GROUP);
                int[] span = {spans.get(k)[0], spans.get(end - 1)[1]};
                nextItems.add("[" + range(span) + "&&[" + String.join("", items.subList(k, end)) + "]]");
                nextSpans.add(span);
            }
            items = nextItems;
            spans = nextSpans;
        }
        return String.join("", items);
    }

    private static String range(int[] r) {
        return r[0] == r[1] ? String.format("\\x{%X}", r[0]) : String.format("\\x{%X}-\\x{%X}", r[0], r[1]);
    }

    /** {@code "870-887 889"} as {{0x870, 0x887}, {0x889, 0x889}}. */
    static List<int[]> parse(String ranges) {
        List<int[]> out = new ArrayList<>();
        if (ranges.isBlank()) return out;
        for (String r : ranges.trim().split(" ")) {
            int dash = r.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? r : r.substring(0, dash), 16);
            out.add(new int[] {from, dash < 0 ? from : Integer.parseInt(r.substring(dash + 1), 16)});
        }
        return out;
    }
}
