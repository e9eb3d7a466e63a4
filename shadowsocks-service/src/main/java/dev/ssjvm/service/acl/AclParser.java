package dev.ssjvm.service.acl;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the ACL file format of shadowsocks-libev and shadowsocks-rust: section lines
 * ({@code [proxy_all]}, {@code [bypass_list]}, ...), then one rule a line: an IP address, a CIDR
 * (IPv4 or IPv6), {@code |name} (that name), {@code ||name} (it and its subdomains) or a regular
 * expression over host names. Everything from a {@code #} on is a comment (as libev); blank lines
 * are skipped. Rules before any list section belong to {@code [bypass_list]}, as in both originals.
 *
 * <p>Where the originals silently turn a typo into a regex that never matches (an unknown section,
 * a CIDR with a bad prefix), this parser stops with the file, the line and the reason.
 */
final class AclParser {
    private enum Section { BYPASS, PROXY, OUTBOUND_BLOCK }

    private static final Map<String, Section> LISTS = Map.of(
            "[bypass_list]", Section.BYPASS, "[black_list]", Section.BYPASS,
            "[proxy_list]", Section.PROXY, "[white_list]", Section.PROXY,
            "[outbound_block_list]", Section.OUTBOUND_BLOCK);
    private static final Map<String, Acl.Route> MODES = Map.of(
            "[proxy_all]", Acl.Route.PROXY, "[accept_all]", Acl.Route.PROXY,
            "[bypass_all]", Acl.Route.BYPASS, "[reject_all]", Acl.Route.BYPASS);

    private final Path file;
    private final IpRangeSet.Builder[] addresses = new IpRangeSet.Builder[Section.values().length];
    private final DomainRules.Builder[] names = new DomainRules.Builder[Section.values().length];
    private Acl.Route defaultRoute = Acl.Route.PROXY;
    private Section current = Section.BYPASS;

    private AclParser(Path file) {
        this.file = file;
        for (Section s : Section.values()) {
            addresses[s.ordinal()] = IpRangeSet.builder();
            names[s.ordinal()] = DomainRules.builder();
        }
    }

    static AclFile parse(Path file) throws IOException {
        AclParser parser = new AclParser(file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            String line;
            while ((line = in.readLine()) != null) {
                number++;
                parser.line(line, number);
            }
        } catch (NoSuchFileException e) {
            throw new AclException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new AclException(file + ": not UTF-8 text");
        }
        return parser.build();
    }

    private void line(String raw, int number) throws AclException {
        int hash = raw.indexOf('#');
        String line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("[") && line.endsWith("]") && line.chars().allMatch(c -> c == '[' || c == ']'
                || c == '_' || (c >= 'a' && c <= 'z'))) {
            section(line, number);
            return;
        }
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) >= 0x80) {
                throw error(number, "'" + line + "' is not ASCII; write host names in their ASCII (punycode) form");
            }
        }
        try {
            if (!addresses[current.ordinal()].tryAdd(line)) {
                names[current.ordinal()].add(line);
            }
        } catch (IllegalArgumentException e) {
            throw error(number, e.getMessage());
        }
    }

    private void section(String line, int number) throws AclException {
        Section list = LISTS.get(line);
        if (list != null) {
            current = list;
            return;
        }
        Acl.Route mode = MODES.get(line);
        if (mode != null) {
            defaultRoute = mode;
            return;
        }
        switch (line) {
            case "[outbound_allow_all]" -> { } // what a server does anyway: only the block list refuses
            case "[outbound_block_all]", "[outbound_allow_list]" -> throw error(number, line
                    + " (shadowsocks-rust's outbound allow list) is not supported; list the targets to refuse in"
                    + " [outbound_block_list]");
            default -> throw error(number, "unknown section " + line + "; the sections are [proxy_all],"
                    + " [bypass_all], [bypass_list], [proxy_list], [outbound_block_list] (or libev's [accept_all],"
                    + " [reject_all], [black_list], [white_list])");
        }
    }

    private AclException error(int number, String why) {
        return new AclException(file + ":" + number + ": " + why);
    }

    private AclFile build() {
        return new AclFile(file, defaultRoute, list(Section.BYPASS), list(Section.PROXY), list(Section.OUTBOUND_BLOCK));
    }

    private RuleList list(Section s) {
        return new RuleList(names[s.ordinal()].build(), addresses[s.ordinal()].build());
    }
}
