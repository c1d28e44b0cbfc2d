package org.camelopencode.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.Question;
import org.camelopencode.client.QuestionOption;
import org.camelopencode.client.QuestionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuestionPolicyTest {

    /** The {@code question.asked} properties of src/test/resources/recordings/event-permission-question.sse. */
    private static final String RECORDED_REQUEST = """
            {"id":"que_1fb523d46001X7cKRUJOq1RkCy","sessionID":"ses_e04adc485ffe4Ay66ESbAIQzdr",
             "questions":[{"question":"Which color?","header":"Color",
                           "options":[{"label":"red","description":"r"},{"label":"blue","description":"b"}]}],
             "tool":{"messageID":"msg_1fb523cba001eJenvgZE7KW1lD","callID":"call_1"}}""";

    private static final Question COLOR = question("Which color?", "Color", null, null, "red", "blue");
    private static final Question ENV = question("Where should this deploy?", "Env", null, null, "production", "staging");
    private static final Question TOPPINGS = question("Which toppings?", "Toppings", true, false, "cheese", "ham", "olives");
    private static final Question STRICT_SIZE = question("Which size?", "Size", false, false, "small", "large");

    private static Question question(String text, String header, Boolean multiple, Boolean custom, String... labels) {
        List<QuestionOption> options = Arrays.stream(labels).map(label -> new QuestionOption(label, label + " option")).toList();
        return new Question(text, header, options, multiple, custom);
    }

    private static QuestionRequest request(Question... questions) {
        return new QuestionRequest("que_1", "ses_1", List.of(questions), null);
    }

    private static QuestionDecision decide(String rules, Question... questions) {
        return QuestionPolicy.parse(rules).decide(request(questions)).orElseThrow();
    }

    @SafeVarargs
    private static QuestionDecision.Answer answer(String rule, List<String>... answers) {
        return new QuestionDecision.Answer(List.of(answers), rule);
    }

    @Test
    void recordedRequestIsAnsweredByItsQuestionText() throws JsonProcessingException {
        QuestionRequest recorded = OpenCodeJson.mapper().readValue(RECORDED_REQUEST, QuestionRequest.class);

        assertThat(QuestionPolicy.parse("Env=staging; Which color?=blue; *=first").decide(recorded))
                .contains(answer("Which color?=blue", List.of("blue")));
    }

    @Test
    void headerOrQuestionTextMatchesIgnoringCase() {
        assertThat(decide("color=blue", COLOR)).isEqualTo(answer("color=blue", List.of("blue")));
        assertThat(decide("WHICH COLOR?=blue", COLOR)).isEqualTo(answer("WHICH COLOR?=blue", List.of("blue")));
        assertThat(decide("which *=red", COLOR)).isEqualTo(answer("which *=red", List.of("red")));
        assertThat(QuestionPolicy.parse("Colour=blue").decide(request(COLOR))).isEmpty();
    }

    @Test
    void defaultFirstAnswersEveryQuestionNoOtherRuleMatches() {
        assertThat(decide("Env=staging; Which color?=blue; *=first", ENV, COLOR, TOPPINGS)).isEqualTo(new QuestionDecision.Answer(
                List.of(List.of("staging"), List.of("blue"), List.of("cheese")), "Env=staging; Which color?=blue; *=first"));
    }

    @Test
    void defaultIsTriedLastWhereverItIsWritten() {
        assertThat(decide("*=first; Env=staging", ENV)).isEqualTo(answer("Env=staging", List.of("staging")));
        assertThat(decide("*=escalate; Env=staging", ENV)).isInstanceOf(QuestionDecision.Answer.class);
    }

    @Test
    void firstMatchingRuleWinsAmongSpecificRules() {
        assertThat(decide("E*=production; Env=staging", ENV)).isEqualTo(answer("E*=production", List.of("production")));
    }

    @Test
    void escalateAndRejectKeywordsInAnyCase() {
        assertThat(decide("*=escalate", COLOR)).isEqualTo(new QuestionDecision.Escalate("*=escalate"));
        assertThat(decide("Color=REJECT", COLOR)).isEqualTo(new QuestionDecision.Reject("Color=reject"));
        assertThat(decide("Color=First", COLOR)).isEqualTo(answer("Color=first", List.of("red")));
    }

    @Test
    void labelMatchesAnOptionIgnoringCaseAndSendsTheOptionsOwnLabel() {
        assertThat(decide("Env=STAGING", ENV)).isEqualTo(answer("Env=STAGING", List.of("staging")));
    }

    @Test
    void severalLabelsAnswerAMultipleQuestion() {
        assertThat(decide("Toppings=cheese | olives", TOPPINGS)).isEqualTo(answer("Toppings=cheese|olives", List.of("cheese", "olives")));
    }

    @Test
    void severalLabelsDoNotApplyToASingleChoiceQuestion() {
        assertThat(decide("Color=red|blue; *=first", COLOR)).isEqualTo(answer("*=first", List.of("red")));
        assertThat(QuestionPolicy.parse("Color=red|blue").decide(request(COLOR))).isEmpty();
    }

    @Test
    void unknownLabelIsACustomAnswerUnlessCustomIsFalse() {
        assertThat(decide("Color=green", COLOR)).isEqualTo(answer("Color=green", List.of("green")));
        assertThat(decide("Size=medium; Size=large", STRICT_SIZE)).isEqualTo(answer("Size=large", List.of("large")));
        assertThat(decide("Toppings=cheese|pineapple; *=first", TOPPINGS)).isEqualTo(answer("*=first", List.of("cheese")));
        assertThat(QuestionPolicy.parse("Size=medium").decide(request(STRICT_SIZE))).isEmpty();
    }

    @Test
    void firstDoesNotApplyToAQuestionWithoutOptions() {
        Question open = new Question("Anything to add?", "Notes", List.of(), null, null);

        assertThat(QuestionPolicy.parse("*=first").decide(request(open))).isEmpty();
        assertThat(decide("Notes=first; Notes=nothing", open)).isEqualTo(answer("Notes=nothing", List.of("nothing")));
        assertThat(QuestionPolicy.parse("*=first").decide(request(new Question("Q?", "H", null, null, null)))).isEmpty();
    }

    @Test
    void anyRejectRejectsTheWholeRequest() {
        assertThat(decide("Env=staging; Color=escalate; Size=reject", ENV, COLOR, STRICT_SIZE, TOPPINGS))
                .isEqualTo(new QuestionDecision.Reject("Size=reject"));
    }

    @Test
    void anyEscalateWithoutRejectEscalatesTheWholeRequest() {
        assertThat(decide("Env=staging; Color=escalate", ENV, COLOR, TOPPINGS)).isEqualTo(new QuestionDecision.Escalate("Color=escalate"));
    }

    @Test
    void aQuestionWithoutRuleAndWithoutDefaultLeavesTheRequestUndecided() {
        assertThat(QuestionPolicy.parse("Env=staging; Which color?=blue").decide(request(ENV, COLOR, TOPPINGS))).isEmpty();
    }

    @Test
    void requestWithoutQuestionsGetsAnEmptyAnswer() {
        QuestionRequest none = new QuestionRequest("que_1", "ses_1", null, null);

        assertThat(QuestionPolicy.empty().decide(none)).contains(new QuestionDecision.Answer(List.of(), ""));
    }

    @Test
    void labelsMayContainEqualsAndKeysMatchItWithAWildcard() {
        Question formula = question("Use x=1?", "Setting", null, false, "x=1", "x=2");

        assertThat(decide("Use x?1?=x=2", formula)).isEqualTo(answer("Use x?1?=x=2", List.of("x=2")));
    }

    @Test
    void normalizedTextParsesBackToTheSamePolicy() {
        QuestionPolicy policy = QuestionPolicy.parse(" Env = staging ;\nToppings= cheese |ham\r\n*=FIRST; Size=Reject; Q*=escalate;");

        assertThat(policy).hasToString("Env=staging; Toppings=cheese|ham; *=first; Size=reject; Q*=escalate");
        assertThat(QuestionPolicy.parse(policy.toString()).rules()).isEqualTo(policy.rules());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", ";\n;"})
    void blankTextGivesTheEmptyPolicy(String rules) {
        QuestionPolicy policy = QuestionPolicy.parse(rules);

        assertThat(policy.isEmpty()).isTrue();
        assertThat(policy.decide(request(COLOR))).isEmpty();
        assertThat(QuestionPolicy.empty().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
            "Env staging#question rule 1 'Env staging' is invalid: missing '=<answer>'",
            "=staging#question rule 1 '=staging' is invalid: the header or question before '=' is empty",
            "Env=#question rule 1 'Env=' is invalid: the answer after '=' is empty",
            "Toppings=cheese||ham#question rule 1 'Toppings=cheese||ham' is invalid: an answer label is empty",
            "Toppings=cheese|#question rule 1 'Toppings=cheese|' is invalid: an answer label is empty",
    })
    void badRulesAreNamedWithTheProblem(String rule, String expectedMessageStart) {
        assertThatThrownBy(() -> QuestionPolicy.parse(rule))
                .isInstanceOf(PolicySyntaxException.class)
                .hasMessageStartingWith(expectedMessageStart)
                .satisfies(thrown -> assertThat(((PolicySyntaxException) thrown).rule()).isEqualTo(rule));
    }

    @Test
    void errorNamesThePositionOfTheBadRule() {
        assertThatThrownBy(() -> QuestionPolicy.parse("Env=staging\nColor\n*=first"))
                .hasMessageStartingWith("question rule 2 'Color' is invalid");
    }

    @Test
    void answerDecisionIsImmutable() {
        List<String> labels = new ArrayList<>(List.of("red"));
        QuestionDecision.Answer decision = new QuestionDecision.Answer(List.of(labels), "r");
        labels.add("blue");

        assertThat(decision.answers()).containsExactly(List.of("red"));
        assertThatThrownBy(() -> decision.answers().get(0).add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
