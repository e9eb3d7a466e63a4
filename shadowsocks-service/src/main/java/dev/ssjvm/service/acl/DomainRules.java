package dev.ssjvm.service.acl;

import java.net.IDN;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The host name rules of one ACL list, as shadowsocks-rust reads them: {@code |name} matches exactly
 * that name, {@code ||name} that name and every name below it, anything else is a regular expression
 * searched for in the (lower-case) name, e.g. {@code (^|\.)example\.com$}. The regexes of the two
 * shapes that mean a name or a name with its subdomains ({@code ^example\.com$},
 * {@code (^|\.)example\.com$}) become hash lookups; the remaining regexes are compiled once, into one
 * pattern. Names are compared in lower case, without a final dot, in their ASCII (punycode) form.
 */
public final class DomainRules {
    /** A regex that only says "this name" or "this name and its subdomains". */
    private static final Pattern LITERAL = Pattern.compile(
            "(\\^|\\((?:\\?:)?\\^\\|\\\\\\.\\))((?:[A-Za-z0-9_-]+\\\\\\.)*[A-Za-z0-9_-]+)\\$");

    private final Set<String> exact;
    private final Set<String> withSubdomains;
    private final Pattern regexes; // null when there are none
    private final int regexCount;

    private DomainRules(Set<String> exact, Set<String> withSubdomains, Pattern regexes, int regexCount) {
        this.exact = exact;
        this.withSubdomains = withSubdomains;
        this.regexes = regexes;
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
                    regexes.add(rule);
                }
            }
            return this;
        }

        private static String name(String text, String rule) {
            String name = normalize(text);
            if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
                throw new IllegalArgumentException("'" + rule + "' does not name a host");
            }
            return name;
        }

        public DomainRules build() {
            Pattern combined = null;
            if (!regexes.isEmpty()) {
                // one pattern, one pass per lookup; each alternative in a group of its own so that
                // a rule's own alternation stays inside it
                StringBuilder all = new StringBuilder();
                for (String regex : regexes) {
                    all.append(all.length() == 0 ? "" : "|").append("(?:").append(regex).append(')');
                }
                combined = Pattern.compile(all.toString(), Pattern.CASE_INSENSITIVE);
            }
            return new DomainRules(Set.copyOf(exact), Set.copyOf(withSubdomains), combined, regexes.size());
        }
    }

    /** A target host as the rules compare it: lower case, ASCII, without the final dot of an FQDN. */
    static String normalize(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
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
        return h.toLowerCase(Locale.ROOT);
    }

    public boolean isEmpty() {
        return exact.isEmpty() && withSubdomains.isEmpty() && regexes == null;
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
        return regexes != null && regexes.matcher(host).find();
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
