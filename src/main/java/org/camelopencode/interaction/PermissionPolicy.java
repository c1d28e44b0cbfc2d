package org.camelopencode.interaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.camelopencode.client.PermissionRequest;

/**
 * Decides pending permission requests ({@code permission.asked} event or {@code GET /permission}) by rules, so a
 * headless run never waits forever. The decision is replied through {@code POST /permission/{id}/reply} or escalated
 * by the caller; this class only decides. Immutable and thread-safe.
 *
 * <h2>Rule syntax</h2>
 * <ul>
 *   <li>Rules are separated by {@code ;} or line breaks (not commas: commands contain commas). Whitespace around
 *       rules and around each part of a rule is trimmed; empty rules are ignored. A rule therefore cannot contain
 *       {@code ;} or a line break.</li>
 *   <li>A rule is {@code <permission>[:<pattern>]=<action>[:<message>]}. {@code permission} is matched against the
 *       request's {@code permission} ({@code bash}, {@code edit}, {@code read}, {@code webfetch}, ...), {@code pattern}
 *       against each of its {@code patterns} (for {@code bash} the command line, for {@code edit} the file path). Both are
 *       {@link Wildcard}s: {@code *} is any run of characters including none and spaces, {@code ?} is one character,
 *       everything else is literal; they match the whole string, case-sensitively. A missing pattern means {@code *}.</li>
 *   <li>Actions: {@code allow} (the same as {@code once}), {@code once}, {@code always}, {@code reject},
 *       {@code escalate}, in any case. Only {@code reject} takes a message, returned to the agent as feedback so its turn
 *       goes on: {@code bash:rm *=reject:never delete files}.</li>
 *   <li>The {@code =} ending the selector is the first {@code =} whose remainder is a valid action (with a message only
 *       for reject), so patterns may contain {@code =}: {@code bash:FOO=1 make=allow}.</li>
 *   <li>A rule matches a request when its permission matches and EVERY pattern of the request matches its pattern (a
 *       request without patterns matches only the pattern {@code *}). The FIRST matching rule wins, so rules read top
 *       down: {@code bash:git *=allow; *=reject} allows git commands and rejects everything else. For {@code bash}
       OpenCode 1.18.33 asks once per command line with one pattern per simple command ({@code git status && rm -rf b}
       gives {@code git status} and {@code rm -rf b}), so a chained command is allowed only when every part is; a
       command that leaves the project ({@code cd /tmp}) first asks {@code external_directory} with patterns such as
       {@code /tmp/*}.</li>
 *   <li>No rule matching means no decision: {@link #decide} returns empty and the caller chooses (for example escalate
 *       or fail the task as {@code pending_permission}).</li>
 * </ul>
 * Examples: {@code bash:git *=allow; edit:*=escalate; *=reject} and {@code bash:rm *=reject:never delete files; bash=always}.
 */
public final class PermissionPolicy {

    /** Feedback of the read-only rule, telling the agent why its edit was refused and what to do instead. */
    static final String READ_ONLY_MESSAGE =
            "this task is read-only: do not edit, write or patch files, report the changes you would make instead";

    private static final PermissionPolicy EMPTY = new PermissionPolicy(List.of());

    private final List<PermissionRule> rules;

    private PermissionPolicy(List<PermissionRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @param rules the policy text (syntax in the class documentation); null or blank gives the empty policy
     * @return the parsed policy
     * @throws PolicySyntaxException naming the first rule that cannot be parsed, its position and the problem
     */
    public static PermissionPolicy parse(String rules) {
        return new PermissionPolicy(parseRules(rules, PermissionRule::parse));
    }

    /** @return the policy without rules: it decides nothing */
    public static PermissionPolicy empty() {
        return EMPTY;
    }

    /**
     * For tasks that must not write (the {@code plan} agent): puts {@code edit:*=reject:<message>} in front, so every
     * {@code edit} request (OpenCode's edit, write and patch tools) is rejected with feedback before any other rule is
     * considered. Calling it on a policy that already starts with that rule returns the policy unchanged.
     *
     * @return a copy with the read-only rule first
     */
    public PermissionPolicy readOnly() {
        PermissionRule readOnlyRule = new PermissionRule(Wildcard.of("edit"), Wildcard.of("*"), PermissionAction.REJECT,
                READ_ONLY_MESSAGE);
        if (!rules.isEmpty() && rules.get(0).equals(readOnlyRule)) {
            return this;
        }
        List<PermissionRule> withReadOnly = new ArrayList<>(rules.size() + 1);
        withReadOnly.add(readOnlyRule);
        withReadOnly.addAll(rules);
        return new PermissionPolicy(withReadOnly);
    }

    /**
     * @param request a pending permission request ({@code permission.asked} properties or a {@code GET /permission} item)
     * @return the decision of the first matching rule, empty when no rule matches
     * @throws NullPointerException when the request is null
     */
    public Optional<PermissionDecision> decide(PermissionRequest request) {
        Objects.requireNonNull(request, "request");
        return rules.stream().filter(rule -> rule.matches(request)).findFirst().map(PermissionRule::decision);
    }

    /** @return true when the policy has no rules */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** @return the rules in order */
    public List<PermissionRule> rules() {
        return rules;
    }

    /** @return the normalized rules joined by {@code "; "}, for example {@code bash:git *=once; *:*=reject} */
    @Override
    public String toString() {
        return rules.stream().map(PermissionRule::toString).collect(Collectors.joining("; "));
    }

    /**
     * Splits a policy text into rules and parses each; shared by the permission and the question policy.
     *
     * @param text   the policy text, may be null
     * @param parser parses one trimmed, non-empty rule text given its 1-based position among the rules
     * @param <R>    the rule type
     * @return the parsed rules between {@code ;} and line breaks, in order
     * @throws PolicySyntaxException from the parser, for the first bad rule
     */
    static <R> List<R> parseRules(String text, BiFunction<String, Integer, R> parser) {
        if (text == null) {
            return List.of();
        }
        List<R> rules = new ArrayList<>();
        for (String part : text.split("[;\\r\\n]")) {
            if (!part.isBlank()) {
                rules.add(parser.apply(part.strip(), rules.size() + 1));
            }
        }
        return rules;
    }
}
