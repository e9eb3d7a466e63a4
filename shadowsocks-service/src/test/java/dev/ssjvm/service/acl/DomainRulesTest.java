package dev.ssjvm.service.acl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainRulesTest {

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
            "track[0-9]*\\.cdn\\.test$ .cdn.test",
            "ab?c$ c",
            "(foo)$ ''",
            "a.b$ b",
            "x\\d$ ''",
            "foo|bar\\.test$ ''",
            "(?:foo|bar)\\.Test$ .test",
            "no-dollar\\.test ''",
            "a\\\\.b$ b",
            "\\Qa.b$ ''",
            "(?x)a#b$ ''"})
    void theLiteralEndARegexNeeds(String rule, String tail) {
        assertThat(DomainRules.Builder.literalTail(rule)).isEqualTo(tail);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {"^ads true", "^a|b false", "^(a|b)c true", "^[|]x true", "^\\|x true",
            "ads false", "(^a) false", "^?a false", "^*a false", "^{0,1}a false", "^+a true", "^\\Qa false",
            "^(?x)a false", "^[a[b]|c]x true", "^[a[b]]|c false", "^[]|]x true", "^[^]|]x true", "^a)|(b false"})
    void whichRegexesOnlyMatchAtTheStart(String rule, boolean anchored) {
        assertThat(DomainRules.Builder.anchoredAtStart(rule)).isEqualTo(anchored);
    }

    @Test
    void groupedRegexesStillMatchWhatTheySay() {
        DomainRules rules = DomainRules.builder().add("track[0-9]*\\.cdn\\.test$").add("ab?c$").add("foo|bar\\.test$")
                .add("^ads[0-9]+\\.").add("(?:x|y)\\.Other\\.test$").build();
        assertThat(rules.matches("track12.cdn.test")).isTrue();
        assertThat(rules.matches("www.track12.cdn.test")).isTrue();
        assertThat(rules.matches("track12.cdn.test.evil")).isFalse();
        assertThat(rules.matches("xac")).isTrue();
        assertThat(rules.matches("xabc")).isTrue();
        assertThat(rules.matches("xab")).isFalse();
        assertThat(rules.matches("foo.anything")).as("the other branch of a top-level alternation").isTrue();
        assertThat(rules.matches("ads1.example")).isTrue();
        assertThat(rules.matches("www.ads1.example")).isFalse();
        assertThat(rules.matches("Y.OTHER.TEST")).isTrue();
        assertThat(rules.matches("z.other.test")).isFalse();
    }

    /** Found by fuzzing: a rule whose quote or comment runs to its end made the combined pattern unclosed. */
    @Test
    void aRegexThatRunsToItsEndIsSearchedForAlone() {
        DomainRules rules = DomainRules.builder().add("Z").add("\\Q_ao").add("(?x) ^ads \\. # a comment")
                .add("other\\.test$").build();
        assertThat(rules.matches("x_ao.test")).as("quoted to the end").isTrue();
        assertThat(rules.matches("xa.test")).isFalse();
        assertThat(rules.matches("ads.example")).as("commented to the end").isTrue();
        assertThat(rules.matches("www.ads.example")).isFalse();
        assertThat(rules.matches("zz.example")).isTrue();
        assertThat(rules.matches("www.other.test")).isTrue();
    }
}
