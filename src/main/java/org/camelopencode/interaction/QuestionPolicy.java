package org.camelopencode.interaction;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camelopencode.client.Question;
import org.camelopencode.client.QuestionRequest;

/**
 * Decides pending question requests ({@code question.asked} event or {@code GET /question}) by rules, so a headless run
 * never waits forever. The caller replies through {@code POST /question/{id}/reply} ({@code {"answers": [[label, ...],
 * ...]}}), {@code POST /question/{id}/reject} or escalates; this class only decides. Immutable and thread-safe.
 *
 * <h2>Rule syntax</h2>
 * <ul>
 *   <li>Rules are separated by {@code ;} or line breaks, as in {@link PermissionPolicy}; whitespace around rules, keys,
 *       answers and labels is trimmed; empty rules are ignored.</li>
 *   <li>A rule is {@code <key>=<answer>}, split at the FIRST {@code =} (labels may contain {@code =}; in a key write
 *       {@code ?} or {@code *} for an {@code =}). The key is a {@link Wildcard} ({@code *} any run, {@code ?} one
 *       character, the rest literal) matched, ignoring case, against the whole header OR the whole question text:
 *       {@code Env=staging} matches the header {@code Env}, {@code which color?=blue} the question {@code Which color?}.</li>
 *   <li>The answer is an option label, several labels joined by {@code |} ({@code Toppings=cheese|ham}, only for
 *       {@code multiple} questions), or one of the keywords {@code first} (the first option's label), {@code reject},
 *       {@code escalate} (any case; a label spelled like a keyword cannot be chosen by name).</li>
 *   <li>A label is compared with the question's options exactly, then ignoring case, and the option's own label is sent.
 *       A label that is no option is sent as a custom answer when the question accepts one ({@code custom} not
 *       {@code false}); otherwise the rule does not apply to that question. A rule with several labels does not apply to a
 *       question that is not {@code multiple}, nor {@code first} to a question without options.</li>
 *   <li>For each question the FIRST matching rule that applies decides. The key {@code *} is the default: rules with the
 *       key {@code *} are tried, in order, only after every other rule, wherever they are written.</li>
 *   <li>A request with several questions is rejected when any question's decision is {@code reject}, else escalated
 *       when any is {@code escalate}, else (when every question has an answer) answered with one list per question.
 *       When no question rejects or escalates and some question has no rule that applies, there is no decision:
 *       {@link #decide} returns empty and the caller chooses (escalate, or fail the task as {@code pending_question}).</li>
 * </ul>
 * Examples: {@code Env=staging; Which color?=blue; *=first} and {@code *=escalate}.
 */
public final class QuestionPolicy {

    private static final QuestionPolicy EMPTY = new QuestionPolicy(List.of());

    private final List<QuestionRule> rules;
    /** The rules in the order they are tried: specific rules as written, then the {@code *} defaults. */
    private final List<QuestionRule> triedOrder;

    private QuestionPolicy(List<QuestionRule> rules) {
        this.rules = List.copyOf(rules);
        List<QuestionRule> order = new ArrayList<>(rules.stream().filter(rule -> !rule.isDefault()).toList());
        order.addAll(rules.stream().filter(QuestionRule::isDefault).toList());
        this.triedOrder = List.copyOf(order);
    }

    /**
     * @param rules the policy text (syntax in the class documentation); null or blank gives the empty policy
     * @return the parsed policy
     * @throws PolicySyntaxException naming the first rule that cannot be parsed, its position and the problem
     */
    public static QuestionPolicy parse(String rules) {
        return new QuestionPolicy(PermissionPolicy.parseRules(rules, QuestionRule::parse));
    }

    /** @return the policy without rules: it decides nothing (except an {@code Answer} to a request without questions) */
    public static QuestionPolicy empty() {
        return EMPTY;
    }

    /**
     * @param request a pending question request ({@code question.asked} properties or a {@code GET /question} item)
     * @return the decision for the whole request; empty when no question rejects or escalates and some question has no
     * rule that applies. A request without questions gets an {@code Answer} with no lists and an empty rule text.
     * @throws NullPointerException when the request is null
     */
    public Optional<QuestionDecision> decide(QuestionRequest request) {
        Objects.requireNonNull(request, "request");
        List<Question> questions = request.questions() == null ? List.of() : request.questions();
        List<Optional<QuestionDecision>> perQuestion = questions.stream().map(this::decideOne).toList();
        Optional<QuestionDecision> reject = firstOf(perQuestion, QuestionDecision.Reject.class);
        if (reject.isPresent()) {
            return reject;
        }
        Optional<QuestionDecision> escalate = firstOf(perQuestion, QuestionDecision.Escalate.class);
        if (escalate.isPresent()) {
            return escalate;
        }
        if (perQuestion.stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        List<List<String>> answers = new ArrayList<>(questions.size());
        Set<String> rulesUsed = new LinkedHashSet<>();
        for (Optional<QuestionDecision> decision : perQuestion) {
            QuestionDecision.Answer answer = (QuestionDecision.Answer) decision.orElseThrow();
            answers.add(answer.answers().get(0));
            rulesUsed.add(answer.rule());
        }
        return Optional.of(new QuestionDecision.Answer(answers, String.join("; ", rulesUsed)));
    }

    private Optional<QuestionDecision> decideOne(Question question) {
        return triedOrder.stream().map(rule -> rule.decide(question)).flatMap(Optional::stream).findFirst();
    }

    private static Optional<QuestionDecision> firstOf(List<Optional<QuestionDecision>> decisions,
                                                      Class<? extends QuestionDecision> type) {
        return decisions.stream().flatMap(Optional::stream).filter(type::isInstance).findFirst();
    }

    /** @return true when the policy has no rules */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** @return the rules as written, in order */
    public List<QuestionRule> rules() {
        return rules;
    }

    /** @return the normalized rules as written, joined by {@code "; "}, for example {@code Env=staging; *=first} */
    @Override
    public String toString() {
        return rules.stream().map(QuestionRule::toString).collect(Collectors.joining("; "));
    }
}
