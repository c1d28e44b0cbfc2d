package org.camelopencode.interaction;

import java.util.List;
import java.util.Objects;

/**
 * The question policy's answer to one pending question request ({@code question.asked} event, {@code GET /question}).
 * Every variant names the rule (or rules) that decided, for logs.
 */
public sealed interface QuestionDecision {

    /** @return the normalized text of the deciding rule(s), for logs */
    String rule();

    /**
     * Answer every question: the body of {@code POST /question/{id}/reply} is {@code {"answers": answers}}.
     *
     * @param answers one list of option labels (or custom answers) per question, in the request's question order
     * @param rule    the normalized rules used, distinct, in question order, joined by {@code "; "}
     */
    record Answer(List<List<String>> answers, String rule) implements QuestionDecision {
        /** Copies the answers so the decision stays immutable. */
        public Answer {
            answers = answers.stream().map(List::copyOf).toList();
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * Refuse the questions: {@code POST /question/{id}/reject}.
     *
     * @param rule the normalized rule that rejected
     */
    record Reject(String rule) implements QuestionDecision {
        /** @throws NullPointerException when the rule is null */
        public Reject {
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * Hand the questions to a person through the approval endpoint.
     *
     * @param rule the normalized rule that escalated
     */
    record Escalate(String rule) implements QuestionDecision {
        /** @throws NullPointerException when the rule is null */
        public Escalate {
            Objects.requireNonNull(rule, "rule");
        }
    }
}
