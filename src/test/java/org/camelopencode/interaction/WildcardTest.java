package org.camelopencode.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "*|''|true",
            "*|anything at all / with spaces|true",
            "git *|git status|true",
            "git *|'git '|true",
            "git *|git|false",
            "git *|gitk status|false",
            "git *|echo git status|false",
            "*rm -rf*|cd x && rm -rf /|true",
            "*.env|config/.env|true",
            "*.env|config/xenv|false",
            "?|a|true",
            "?|''|false",
            "?|ab|false",
            "echo ?|echo é|true",
            "a?c|a c|true",
            "a*b*c|a-b-b-c|true",
            "a*b*c|a-c-b|false",
            "***|''|true",
            "''|''|true",
            "''|x|false",
            "Git *|git status|false",
    })
    void matchesTheWholeText(String pattern, String text, boolean expected) {
        assertThat(Wildcard.of(pattern).matches(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "regex metacharacter in ''{0}'' is literal")
    @CsvSource(delimiter = '|', value = {
            "a.c|a.c|abc",
            "f(x)|f(x)|fx",
            "a+|a+|aa",
            "cost$|cost$|cost",
            "^start|^start|start",
            "[ab]|[ab]|a",
            "a{2}|a{2}|aa",
            "back\\slash|back\\slash|backslash",
            "a,b|a,b|a",
    })
    void regularExpressionCharactersAreLiteral(String pattern, String literal, String regexWouldMatch) {
        Wildcard wildcard = Wildcard.of(pattern);
        assertThat(wildcard.matches(literal)).isTrue();
        assertThat(wildcard.matches(regexWouldMatch)).isFalse();
    }

    @Test
    void wildcardsMatchLiteralStarAndQuestionMark() {
        assertThat(Wildcard.of("Which color?").matches("Which color?")).isTrue();
        assertThat(Wildcard.of("Which color?").matches("Which colors")).isTrue();
        assertThat(Wildcard.of("a*").matches("a*")).isTrue();
    }

    @Test
    void ignoringCaseFoldsLettersOnBothSides() {
        Wildcard wildcard = Wildcard.ignoringCase("WHICH Color?");
        assertThat(wildcard.matches("which color?")).isTrue();
        assertThat(wildcard.matches("Which COLOUR?")).isFalse();
        assertThat(Wildcard.of("WHICH Color?").matches("which color?")).isFalse();
    }

    @Test
    void nullTextIsTheEmptyString() {
        assertThat(Wildcard.of("*").matches(null)).isTrue();
        assertThat(Wildcard.of("?").matches(null)).isFalse();
    }

    @Test
    void matchesEverythingOnlyForStarsAlone() {
        assertThat(Wildcard.of("*").matchesEverything()).isTrue();
        assertThat(Wildcard.of("**").matchesEverything()).isTrue();
        assertThat(Wildcard.of("*?").matchesEverything()).isFalse();
        assertThat(Wildcard.of("").matchesEverything()).isFalse();
    }

    @Test
    void longTextsWithManyStarsStayFast() {
        String text = "a".repeat(20_000) + "b";
        long started = System.nanoTime();
        assertThat(Wildcard.of("*a*a*a*a*a*a*a*c").matches(text)).isFalse();
        assertThat(Wildcard.of("*a*a*a*a*a*a*a*b").matches(text)).isTrue();
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
    }

    @Test
    void equalityFollowsPatternAndCaseMode() {
        assertThat(Wildcard.of("a*")).isEqualTo(Wildcard.of("a*")).hasSameHashCodeAs(Wildcard.of("a*"));
        assertThat(Wildcard.of("a*")).isNotEqualTo(Wildcard.ignoringCase("a*"));
        assertThat(Wildcard.of("a*")).hasToString("a*");
    }
}
