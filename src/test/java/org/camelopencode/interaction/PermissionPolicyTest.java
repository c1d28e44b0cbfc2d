package org.camelopencode.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PermissionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PermissionPolicyTest {

    /** The {@code permission.asked} properties of src/test/resources/recordings/event-permission-question.sse. */
    private static final String RECORDED_REQUEST = """
            {"id":"per_1fb523cdd001i3jBIygi0gedns","sessionID":"ses_e04adc571ffeKxPDwDSk7wBJ4i","permission":"bash",
             "patterns":["echo hi > out.txt"],"metadata":{"command":"echo hi > out.txt"},"always":["echo *"],
             "tool":{"messageID":"msg_1fb523b700017nvDuqTQLtQcf4","callID":"call_1"}}""";

    private static PermissionRequest request(String permission, String... patterns) {
        return new PermissionRequest("per_1", "ses_1", permission, List.of(patterns), null, List.of(), null);
    }

    private static PermissionDecision decide(String rules, PermissionRequest request) {
        return PermissionPolicy.parse(rules).decide(request).orElseThrow();
    }

    @Test
    void recordedRequestIsDecidedByItsCommand() throws JsonProcessingException {
        PermissionRequest recorded = OpenCodeJson.mapper().readValue(RECORDED_REQUEST, PermissionRequest.class);
        PermissionPolicy policy = PermissionPolicy.parse("bash:echo * > *.txt=allow; *=reject");

        assertThat(policy.decide(recorded)).contains(new PermissionDecision(PermissionAction.ONCE, null, "bash:echo * > *.txt=once"));
    }

    @Test
    void gitAllowedEditEscalatedRestRejected() {
        String rules = "bash:git *=allow; edit:*=escalate; *=reject";

        assertThat(decide(rules, request("bash", "git status")).action()).isEqualTo(PermissionAction.ONCE);
        assertThat(decide(rules, request("bash", "git log --oneline -n 5")).rule()).isEqualTo("bash:git *=once");
        assertThat(decide(rules, request("edit", "src/Main.java")).action()).isEqualTo(PermissionAction.ESCALATE);
        assertThat(decide(rules, request("bash", "rm -rf /"))).isEqualTo(new PermissionDecision(PermissionAction.REJECT, null, "*:*=reject"));
        assertThat(decide(rules, request("webfetch", "https://example.com")).action()).isEqualTo(PermissionAction.REJECT);
    }

    @Test
    void rejectCarriesItsMessageAndFirstMatchWins() {
        String rules = "bash:rm *=reject:never delete files; bash=always";

        assertThat(decide(rules, request("bash", "rm -rf build")))
                .isEqualTo(new PermissionDecision(PermissionAction.REJECT, "never delete files", "bash:rm *=reject:never delete files"));
        assertThat(decide(rules, request("bash", "ls -la")))
                .isEqualTo(new PermissionDecision(PermissionAction.ALWAYS, null, "bash:*=always"));
        assertThat(PermissionPolicy.parse(rules).decide(request("edit", "a.txt"))).isEmpty();
    }

    @Test
    void ruleOrderDecidesNotSpecificity() {
        assertThat(decide("*=reject; bash:git *=allow", request("bash", "git status")).action()).isEqualTo(PermissionAction.REJECT);
        assertThat(decide("bash:git *=allow; *=reject", request("bash", "git status")).action()).isEqualTo(PermissionAction.ONCE);
    }

    /** OpenCode 1.18.33 asks once per command line with one pattern per simple command (seen on the real server). */
    @Test
    void everyPatternOfTheRequestMustMatch() {
        String rules = "bash:git *=allow; bash=escalate";

        assertThat(decide(rules, request("bash", "git add .", "git commit -m x")).action()).isEqualTo(PermissionAction.ONCE);
        assertThat(decide(rules, request("bash", "git status", "rm -rf build")).action()).isEqualTo(PermissionAction.ESCALATE);
        assertThat(decide("bash:echo *=allow; *=reject", request("bash", "echo a", "echo b", "wc -l")).action())
                .isEqualTo(PermissionAction.REJECT);
    }

    @Test
    void requestWithoutPatternsMatchesOnlyStar() {
        PermissionRequest noPatterns = request("webfetch");
        PermissionRequest nullPatterns = new PermissionRequest("per_1", "ses_1", "webfetch", null, null, null, null);

        assertThat(decide("webfetch:http*=reject; webfetch=allow", noPatterns).rule()).isEqualTo("webfetch:*=once");
        assertThat(decide("webfetch:**=always", nullPatterns).action()).isEqualTo(PermissionAction.ALWAYS);
        assertThat(PermissionPolicy.parse("webfetch:?*=allow").decide(noPatterns)).isEmpty();
    }

    @Test
    void patternsWithSpacesQuestionMarksAndRegexCharactersMatchLiterally() {
        assertThat(decide("bash:echo ? > out.txt=allow", request("bash", "echo a > out.txt")).action()).isEqualTo(PermissionAction.ONCE);
        PermissionPolicy literal = PermissionPolicy.parse("bash:echo (a+b).$x=allow");
        assertThat(literal.decide(request("bash", "echo (a+b).$x"))).isPresent();
        assertThat(literal.decide(request("bash", "echo aab.$x"))).isEmpty();
        assertThat(literal.decide(request("bash", "echo (a+b)x$x"))).isEmpty();
    }

    @Test
    void permissionNameIsAWildcardAndCaseSensitive() {
        assertThat(decide("web*=reject", request("webfetch", "u")).action()).isEqualTo(PermissionAction.REJECT);
        assertThat(decide("web*=reject", request("websearch", "q")).action()).isEqualTo(PermissionAction.REJECT);
        assertThat(PermissionPolicy.parse("Bash=allow").decide(request("bash", "ls"))).isEmpty();
        assertThat(PermissionPolicy.parse("bash:LS=allow").decide(request("bash", "ls"))).isEmpty();
    }

    @Test
    void patternMayContainColonsAndEquals() {
        PermissionPolicy policy = PermissionPolicy.parse("bash:FOO=1 make=allow; bash:a=once=reject; bash:curl http://h:80/*=escalate");

        assertThat(policy.rules()).extracting(Object::toString)
                .containsExactly("bash:FOO=1 make=once", "bash:a=once=reject", "bash:curl http://h:80/*=escalate");
        assertThat(policy.decide(request("bash", "FOO=1 make")).orElseThrow().action()).isEqualTo(PermissionAction.ONCE);
        assertThat(policy.decide(request("bash", "a=once")).orElseThrow().action()).isEqualTo(PermissionAction.REJECT);
        assertThat(policy.decide(request("bash", "curl http://h:80/x")).orElseThrow().action()).isEqualTo(PermissionAction.ESCALATE);
    }

    @Test
    void rejectMessageKeepsColonsEqualsAndCommas() {
        assertThat(decide("bash=reject: use a=b, c: d instead", request("bash", "x")).message()).isEqualTo("use a=b, c: d instead");
    }

    @Test
    void separatorsWhitespaceAndActionCaseAreForgiving() {
        PermissionPolicy policy = PermissionPolicy.parse("  bash : git *  =  ALLOW ;\n\n edit = Escalate\r\n;; *=Reject ; ");

        assertThat(policy).hasToString("bash:git *=once; edit:*=escalate; *:*=reject");
        assertThat(policy.decide(request("bash", "git diff")).orElseThrow().action()).isEqualTo(PermissionAction.ONCE);
    }

    @Test
    void commasDoNotSeparateRules() {
        PermissionPolicy policy = PermissionPolicy.parse("bash:echo a, b=allow");

        assertThat(policy.rules()).hasSize(1);
        assertThat(policy.decide(request("bash", "echo a, b"))).isPresent();
    }

    @Test
    void normalizedTextParsesBackToTheSamePolicy() {
        PermissionPolicy policy = PermissionPolicy.parse("bash:git *=allow; edit:*=escalate; bash:rm *=reject:never delete files; *=always");

        assertThat(PermissionPolicy.parse(policy.toString()).rules()).isEqualTo(policy.rules());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", " ;\n; "})
    void blankTextGivesTheEmptyPolicy(String rules) {
        PermissionPolicy policy = PermissionPolicy.parse(rules);

        assertThat(policy.isEmpty()).isTrue();
        assertThat(policy.decide(request("bash", "ls"))).isEmpty();
        assertThat(policy).hasToString("");
        assertThat(PermissionPolicy.empty().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bash:git *|permission rule 1 'bash:git *' is invalid: missing '=<action>'",
            "bash=permit|permission rule 1 'bash=permit' is invalid: missing '=<action>'",
            "bash=|permission rule 1 'bash=' is invalid: missing '=<action>'",
            "=allow|permission rule 1 '=allow' is invalid: the permission before '=' is empty",
            ":ls=allow|permission rule 1 ':ls=allow' is invalid: the permission before '=' is empty",
            "bash:=allow|permission rule 1 'bash:=allow' is invalid: the pattern after ':' is empty",
            "bash=allow:please|permission rule 1 'bash=allow:please' is invalid: only reject takes a message, allow does not",
            "bash=escalate:boss|permission rule 1 'bash=escalate:boss' is invalid: only reject takes a message, escalate does not",
            "bash=reject:|permission rule 1 'bash=reject:' is invalid: 'reject:' has an empty message",
    })
    void badRulesAreNamedWithTheProblem(String rule, String expectedMessageStart) {
        assertThatThrownBy(() -> PermissionPolicy.parse(rule))
                .isInstanceOf(PolicySyntaxException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(expectedMessageStart)
                .satisfies(thrown -> assertThat(((PolicySyntaxException) thrown).rule()).isEqualTo(rule));
    }

    @Test
    void errorNamesThePositionOfTheBadRule() {
        assertThatThrownBy(() -> PermissionPolicy.parse("bash:git *=allow; edit=maybe; *=reject"))
                .hasMessage("permission rule 2 'edit=maybe' is invalid: missing '=<action>'; write "
                        + "<permission>[:<pattern>]=<action>[:<message>] with action allow, once, always, reject or escalate");
    }

    @Test
    void readOnlyRejectsEditsFirstWithFeedbackAndKeepsTheOtherRules() {
        PermissionPolicy base = PermissionPolicy.parse("edit:*=allow; bash:git *=allow");
        PermissionPolicy readOnly = base.readOnly();

        PermissionDecision edit = readOnly.decide(request("edit", "src/Main.java")).orElseThrow();
        assertThat(edit.action()).isEqualTo(PermissionAction.REJECT);
        assertThat(edit.message()).contains("read-only");
        assertThat(edit.rule()).startsWith("edit:*=reject:");
        assertThat(readOnly.decide(request("bash", "git status")).orElseThrow().action()).isEqualTo(PermissionAction.ONCE);
        assertThat(readOnly.rules()).hasSize(3).endsWith(base.rules().toArray(PermissionRule[]::new));
        assertThat(base.decide(request("edit", "src/Main.java")).orElseThrow().action()).isEqualTo(PermissionAction.ONCE);
        assertThat(readOnly.readOnly().rules()).isEqualTo(readOnly.rules());
        assertThat(PermissionPolicy.empty().readOnly().isEmpty()).isFalse();
        assertThat(PermissionPolicy.parse(readOnly.toString()).rules()).isEqualTo(readOnly.rules());
    }

    @Test
    void actionsHaveTheirWireNames() {
        assertThat(PermissionAction.values()).extracting(PermissionAction::wireName)
                .containsExactly("once", "always", "reject", "escalate");
    }

    @Test
    void decisionsAndRulesRefuseAMessageWithoutReject() {
        assertThatThrownBy(() -> new PermissionDecision(PermissionAction.ONCE, "hi", "r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a reject decision carries a message");
        assertThatThrownBy(() -> new PermissionRule(Wildcard.of("bash"), Wildcard.of("*"), PermissionAction.ALWAYS, "hi"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only reject takes a message");
    }
}
