package dev.ssjvm.service.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Differential fuzzing of the host name rules: whatever {@link DomainRules} makes of its rules (hash
 * lookups, combined patterns, literal ends checked first), a name matches exactly when one rule, read
 * on its own in the plain way, matches it.
 */
class DomainRulesFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void matchesAsEachRuleAlone(FuzzedDataProvider data) {
        DomainRules.Builder builder = DomainRules.builder();
        List<String> rules = new ArrayList<>();
        int count = data.consumeInt(1, 6);
        for (int i = 0; i < count; i++) {
            String rule = data.consumeString(40);
            try {
                builder.add(rule);
                rules.add(rule);
            } catch (IllegalArgumentException refused) {
                // not a name nor a regex: the builder says so, as the parser reports it
            }
        }
        DomainRules built = builder.build();
        while (data.remainingBytes() > 0) {
            String host = data.consumeString(60);
            String name = DomainRules.normalize(host);
            boolean expected = rules.stream().anyMatch(rule -> alone(rule, name));
            assertThat(built.matches(host)).as("%s (%s) against %s", host, host.codePoints().mapToObj(Integer::toHexString).toList(), rules.stream().map(r -> r.codePoints().mapToObj(Integer::toHexString).toList()).toList()).isEqualTo(expected);
        }
    }

    private static boolean alone(String rule, String name) {
        if (rule.startsWith("||")) {
            String domain = DomainRules.normalize(rule.substring(2));
            return name.equals(domain) || name.endsWith("." + domain);
        }
        if (rule.startsWith("|")) {
            return name.equals(DomainRules.normalize(rule.substring(1)));
        }
        try {
            return Pattern.compile(rule, Pattern.CASE_INSENSITIVE).matcher(name).find();
        } catch (PatternSyntaxException e) {
            throw new AssertionError("the builder took an invalid regex " + rule, e);
        }
    }
}
