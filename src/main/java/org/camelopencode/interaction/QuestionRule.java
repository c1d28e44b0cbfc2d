package org.camelopencode.interaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.camelopencode.client.Question;
import org.camelopencode.client.QuestionOption;

/**
 * One parsed question policy rule, {@code <header or question text wildcard>=<answer>}; see {@link QuestionPolicy} for
 * the syntax and how rules are chosen.
 *
 * @param key    case-insensitive wildcard matched against a question's {@code header} or its {@code question} text
 * @param kind   what the rule answers
 * @param labels the labels to answer with when the kind is {@link Kind#LABELS}, otherwise empty
 */
public record QuestionRule(Wildcard key, Kind kind, List<String> labels) {

    private static final String KIND = "question";

    /** What a question rule answers. */
    public enum Kind {
        /** The given option labels (or custom answers). */
        LABELS,
        /** The first option's label. */
        FIRST,
        /** Reject the question request. */
        REJECT,
        /** Escalate the question request to a person. */
        ESCALATE
    }

    /**
     * @throws NullPointerException     when key, kind or labels is null
     * @throws IllegalArgumentException when labels are given for a keyword kind or missing for {@link Kind#LABELS}
     */
    public QuestionRule {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        labels = List.copyOf(labels);
        if (labels.isEmpty() == (kind == Kind.LABELS)) {
            throw new IllegalArgumentException("labels are required with LABELS and only with LABELS, kind was " + kind);
        }
    }

    /**
     * Parses one rule, split at its first {@code =} (so labels may contain {@code =}; write {@code ?} for an {@code =}
     * in the key).
     *
     * @param text     the rule, already trimmed, without separators
     * @param position 1-based position in the policy text, for the error message
     * @return the rule
     * @throws PolicySyntaxException when there is no {@code =}, or the key, the answer or one of its labels is empty
     */
    static QuestionRule parse(String text, int position) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new PolicySyntaxException(KIND, position, text,
                    "missing '=<answer>'; write <header or question>=<label>[|<label>...], first, reject or escalate");
        }
        String key = text.substring(0, equals).strip();
        String answer = text.substring(equals + 1).strip();
        if (key.isEmpty()) {
            throw new PolicySyntaxException(KIND, position, text,
                    "the header or question before '=' is empty; write * for the default");
        }
        if (answer.isEmpty()) {
            throw new PolicySyntaxException(KIND, position, text,
                    "the answer after '=' is empty; write an option label, first, reject or escalate");
        }
        Optional<Kind> keyword = switch (answer.toLowerCase(Locale.ROOT)) {
            case "first" -> Optional.of(Kind.FIRST);
            case "reject" -> Optional.of(Kind.REJECT);
            case "escalate" -> Optional.of(Kind.ESCALATE);
            default -> Optional.empty();
        };
        if (keyword.isPresent()) {
            return new QuestionRule(Wildcard.ignoringCase(key), keyword.get(), List.of());
        }
        List<String> labels = new ArrayList<>();
        for (String label : answer.split("\\|", -1)) {
            if (label.isBlank()) {
                throw new PolicySyntaxException(KIND, position, text,
                        "an answer label is empty; separate labels with single '|' characters");
            }
            labels.add(label.strip());
        }
        return new QuestionRule(Wildcard.ignoringCase(key), Kind.LABELS, labels);
    }

    /** @return true when the key is {@code *}: the rule is a default, tried only after every other rule */
    public boolean isDefault() {
        return key.matchesEverything();
    }

    /**
     * @param question one question of a request
     * @return true when the key matches the question's header or its question text, ignoring case
     */
    public boolean matches(Question question) {
        return key.matches(question.header()) || key.matches(question.question());
    }

    /**
     * The decision for one question, when the rule matches it and can answer it. A rule that matches but cannot answer
     * (several labels for a question that is not {@code multiple}, a label that is no option of a question that takes no
     * custom answer, {@code first} without options) does not apply, so the next rule or the default decides.
     *
     * @param question one question of a request
     * @return the decision for this question alone (an {@link QuestionDecision.Answer} holds one list), or empty
     */
    public Optional<QuestionDecision> decide(Question question) {
        if (!matches(question)) {
            return Optional.empty();
        }
        return switch (kind) {
            case REJECT -> Optional.of(new QuestionDecision.Reject(toString()));
            case ESCALATE -> Optional.of(new QuestionDecision.Escalate(toString()));
            case FIRST -> options(question).stream().map(QuestionOption::label).filter(Objects::nonNull).findFirst()
                    .map(label -> answer(List.of(label)));
            case LABELS -> answerLabels(question).map(this::answer);
        };
    }

    private Optional<List<String>> answerLabels(Question question) {
        if (labels.size() > 1 && !Boolean.TRUE.equals(question.multiple())) {
            return Optional.empty();
        }
        boolean customAllowed = !Boolean.FALSE.equals(question.custom());
        List<String> answer = new ArrayList<>(labels.size());
        for (String label : labels) {
            Optional<String> option = optionLabel(question, label);
            if (option.isEmpty() && !customAllowed) {
                return Optional.empty();
            }
            answer.add(option.orElse(label));
        }
        return Optional.of(answer);
    }

    /** The option's own label for a rule label: an exact match first, otherwise one that differs only in case. */
    private static Optional<String> optionLabel(Question question, String label) {
        List<String> offered = options(question).stream().map(QuestionOption::label).filter(Objects::nonNull).toList();
        return offered.stream().filter(label::equals).findFirst()
                .or(() -> offered.stream().filter(label::equalsIgnoreCase).findFirst());
    }

    private static List<QuestionOption> options(Question question) {
        return question.options() == null ? List.of() : question.options();
    }

    private QuestionDecision answer(List<String> labels) {
        return new QuestionDecision.Answer(List.of(labels), toString());
    }

    /** @return the normalized rule, {@code <key>=<label>[|<label>...]} or {@code <key>=first|reject|escalate} */
    @Override
    public String toString() {
        return key + "=" + (kind == Kind.LABELS ? String.join("|", labels) : kind.name().toLowerCase(Locale.ROOT));
    }
}
