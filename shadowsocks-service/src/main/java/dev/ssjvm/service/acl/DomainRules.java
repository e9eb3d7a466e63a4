package dev.ssjvm.service.acl;

import java.net.IDN;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The host name rules of one ACL list, as shadowsocks-rust reads them: {@code |name} matches exactly
 * that name, {@code ||name} that name and every name below it, anything else is a regular expression
 * searched for in the (lower-case) name, e.g. {@code (^|\.)example\.com$}. The regexes of the two
 * shapes that mean a name or a name with its subdomains ({@code ^example\.com$},
 * {@code (^|\.)example\.com$}) become hash lookups; the remaining regexes are compiled once, into two
 * kinds of pattern: those anchored at the start, tried at the first position only, and the rest,
 * searched for, grouped by the literal end ({@code \.example\.com$}) they need, which is checked first.
 * Names are compared in lower case, without a final dot, in their ASCII (punycode) form.
 */
public final class DomainRules {
    /** A regex that only says "this name" or "this name and its subdomains". */
    private static final Pattern LITERAL = Pattern.compile(
            "(\\^|\\((?:\\?:)?\\^\\|\\\\\\.\\))((?:[A-Za-z0-9_-]+\\\\\\.)*[A-Za-z0-9_-]+)\\$");

    private final Set<String> exact;
    private final Set<String> withSubdomains;
    /** The regexes anchored at the start ({@code ^...}), tried at the first position only; null when none. */
    private final Pattern anchored;
    /**
     * The other regexes, searched for anywhere in the name, grouped by the literal end a name must have
     * for them to match ({@code .cdn.test} for {@code track[0-9]*\.cdn\.test$}; empty for none), so
     * that a name is searched only by the groups whose end it has.
     */
    private final List<TailGroup> unanchored;
    private final int regexCount;

    private record TailGroup(String tail, Pattern pattern) {}

    private DomainRules(Set<String> exact, Set<String> withSubdomains, Pattern anchored, List<TailGroup> unanchored,
            int regexCount) {
        this.exact = exact;
        this.withSubdomains = withSubdomains;
        this.anchored = anchored;
        this.unanchored = unanchored;
        this.regexCount = regexCount;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects rules; each is checked as it is added, so that a bad one can be reported where it is. */
    public static final class Builder {
        private final Set<String> exact = new HashSet<>();
        private final Set<String> withSubdomains = new HashSet<>();
        private final List<String> regexes = new ArrayList<>();
        /**
         * Valid regexes that cannot sit in a group of a combined pattern: those whose end is swallowed by
         * an unterminated {@code \Q} quote or an {@code (?x)} comment; each is searched for alone.
         */
        private final List<String> alone = new ArrayList<>();

        private Builder() {}

        /**
         * Adds one rule line.
         *
         * @throws IllegalArgumentException if it is neither a name nor a valid regular expression
         */
        public Builder add(String rule) {
            if (rule.startsWith("||")) {
                withSubdomains.add(name(rule.substring(2), rule));
            } else if (rule.startsWith("|")) {
                exact.add(name(rule.substring(1), rule));
            } else {
                Matcher literal = LITERAL.matcher(rule);
                if (literal.matches()) {
                    String name = literal.group(2).replace("\\.", ".").toLowerCase(Locale.ROOT);
                    (literal.group(1).equals("^") ? exact : withSubdomains).add(name);
                } else {
                    try {
                        Pattern.compile(rule);
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("'" + rule + "' is not a valid regular expression: "
                                + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
                    }
                    if (groupable(rule)) {
                        regexes.add(rule);
                    } else {
                        alone.add(rule);
                    }
                }
            }
            return this;
        }

        /**
         * Whether {@code rule}, already valid, still ends where it ends once wrapped in a group. Java
         * scopes inline flags to their group, so the only way a rule leaks is text that runs to the
         * end of the pattern, which then leaves the group unclosed.
         */
        private static boolean groupable(String rule) {
            try {
                Pattern.compile("(?:" + rule + ")");
                return true;
            } catch (PatternSyntaxException e) {
                return false;
            }
        }

        private static String name(String text, String rule) {
            String name = normalize(text);
            if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
                throw new IllegalArgumentException("'" + rule + "' does not name a host");
            }
            return name;
        }

        public DomainRules build() {
            List<String> atStart = regexes.stream().filter(Builder::anchoredAtStart).toList();
            Map<String, List<String>> byTail = new LinkedHashMap<>();
            regexes.stream().filter(r -> !anchoredAtStart(r))
                    .forEach(r -> byTail.computeIfAbsent(literalTail(r), t -> new ArrayList<>()).add(r));
            List<TailGroup> anywhere = new ArrayList<>();
            byTail.forEach((tail, rules) -> anywhere.add(new TailGroup(tail, combine(rules))));
            alone.forEach(rule -> anywhere.add(new TailGroup("", Pattern.compile(rule, Pattern.CASE_INSENSITIVE))));
            return new DomainRules(Set.copyOf(exact), Set.copyOf(withSubdomains), combine(atStart),
                    List.copyOf(anywhere), regexes.size() + alone.size());
        }

        /**
         * The literal text {@code rule} requires at the end of a name, lower case: the run of letters,
         * digits, {@code -}, {@code _} and {@code \.} before its final {@code $}; empty when it has none
         * or may end otherwise (no {@code $}, or an alternation outside groups).
         */
        static String literalTail(String rule) {
            if (!rule.endsWith("$") || rule.endsWith("\\$") || !plain(rule) || hasTopLevelAlternation(rule, 0)) {
                return "";
            }
            StringBuilder tail = new StringBuilder();
            int i = rule.length() - 2;
            while (i >= 0) {
                char c = rule.charAt(i);
                if (c == '.' && i > 0 && rule.charAt(i - 1) == '\\' && (i < 2 || rule.charAt(i - 2) != '\\')) {
                    tail.append('.');
                    i -= 2;
                } else if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_') {
                    if (i > 0 && rule.charAt(i - 1) == '\\') {
                        break; // an escape such as \d or \w, not a literal
                    }
                    tail.append(c);
                    i--;
                } else {
                    break;
                }
            }
            return tail.reverse().toString().toLowerCase(Locale.ROOT);
        }

        /**
         * One pattern, one pass per lookup, each rule in a group of its own so that its own
         * alternation stays inside it.
         */
        private static Pattern combine(List<String> rules) {
            if (rules.isEmpty()) {
                return null;
            }
            StringBuilder all = new StringBuilder();
            for (String rule : rules) {
                all.append(all.length() == 0 ? "" : "|").append("(?:").append(rule).append(')');
            }
            return Pattern.compile(all.toString(), Pattern.CASE_INSENSITIVE);
        }

        /**
         * Whether {@code rule} can only match at the start of a name: it begins with a {@code ^} that is not
         * made optional ({@code ^?}) and has no alternation outside groups (in {@code ^a|b}, {@code b} may
         * match anywhere).
         */
        static boolean anchoredAtStart(String rule) {
            return rule.startsWith("^") && !(rule.length() > 1 && "?*{".indexOf(rule.charAt(1)) >= 0) && plain(rule)
                    && !hasTopLevelAlternation(rule, 1);
        }

        /**
         * Whether {@code rule} reads as it is written, without {@code \Q} quotes or inline flags (such
         * as {@code (?x)}, which makes spaces and {@code #} comments mean nothing): only then is the text
         * analysis above sound. The others are searched for as they are.
         */
        private static boolean plain(String rule) {
            if (rule.contains("\\Q")) {
                return false;
            }
            for (int i = rule.indexOf("(?"); i >= 0 && i + 2 < rule.length(); i = rule.indexOf("(?", i + 1)) {
                char c = rule.charAt(i + 2);
                if (Character.isLetter(c) || c == '-') {
                    return false;
                }
            }
            return true;
        }

        /**
         * Whether {@code rule}, from {@code from} on, has a {@code |} outside every group and class, read
         * as Java reads classes: a {@code [} inside one opens a nested class, and a {@code ]} right after
         * {@code [} or {@code [^} is a literal. When unsure (more closing parentheses than opening ones),
         * it says yes, which only costs the shortcuts.
         */
        private static boolean hasTopLevelAlternation(String rule, int from) {
            int depth = 0;
            int classes = 0;
            for (int i = from; i < rule.length(); i++) {
                char c = rule.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '[') {
                    classes++;
                    if (i + 1 < rule.length() && rule.charAt(i + 1) == '^') {
                        i++;
                    }
                    if (i + 1 < rule.length() && rule.charAt(i + 1) == ']') {
                        i++;
                    }
                } else if (classes > 0) {
                    if (c == ']') {
                        classes--;
                    }
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth < 0) {
                    return true;
                } else if (c == '|' && depth == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A target host as the rules compare it: lower case, ASCII, without the final dot of an FQDN. Line
     * terminators at the end go too, with any dots before them: a regex's {@code $} also matches before
     * a final line terminator, so {@code ^a\.test$} would take {@code "a.test\n"} that {@code |a.test}
     * and the literal-end shortcut do not; without them every kind of rule sees the same name.
     */
    static String normalize(String host) {
        String h = trimEnd(host);
        for (int i = 0; i < h.length(); i++) {
            if (h.charAt(i) >= 0x80) {
                try {
                    h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    // not a valid internationalised name: compared as it is
                }
                break;
            }
        }
        return trimEnd(h.toLowerCase(Locale.ROOT));
    }

    private static String trimEnd(String name) {
        int end = name.length();
        while (end > 0 && isDotOrLineTerminator(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(0, end);
    }

    private static boolean isDotOrLineTerminator(char c) {
        return c == '.' || c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    public boolean isEmpty() {
        return exact.isEmpty() && withSubdomains.isEmpty() && regexCount == 0;
    }

    /** Whether a rule matches {@code host}, given already {@link #normalize normalised}. */
    boolean matchesNormalized(String host) {
        if (exact.contains(host)) {
            return true;
        }
        if (!withSubdomains.isEmpty()) {
            String suffix = host;
            while (true) {
                if (withSubdomains.contains(suffix)) {
                    return true;
                }
                int dot = suffix.indexOf('.');
                if (dot < 0) {
                    break;
                }
                suffix = suffix.substring(dot + 1);
            }
        }
        if (anchored != null && anchored.matcher(host).lookingAt()) {
            return true;
        }
        for (TailGroup group : unanchored) {
            if (host.endsWith(group.tail()) && group.pattern().matcher(host).find()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a rule matches {@code host}. */
    public boolean matches(String host) {
        return matchesNormalized(normalize(host));
    }

    @Override
    public String toString() {
        return exact.size() + " names, " + withSubdomains.size() + " domains, " + regexCount + " regexes";
    }
}
