package org.camelopencode.interaction;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.camelopencode.client.PermissionRequest;

/**
 * One parsed permission policy rule, {@code <permission>[:<pattern>]=<action>[:<message>]}; see
 * {@link PermissionPolicy} for the syntax.
 *
 * @param permission wildcard for the request's {@code permission} ({@code bash}, {@code edit}, ...), case-sensitive
 * @param pattern    wildcard every one of the request's {@code patterns} must match, case-sensitive
 * @param action     what to do when the rule matches
 * @param message    feedback for the agent, only with {@link PermissionAction#REJECT}; otherwise null
 */
public record PermissionRule(Wildcard permission, Wildcard pattern, PermissionAction action, String message) {

    private static final String KIND = "permission";

    /**
     * @throws NullPointerException     when permission, pattern or action is null
     * @throws IllegalArgumentException when a message is given with an action other than reject
     */
    public PermissionRule {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(action, "action");
        if (message != null && action != PermissionAction.REJECT) {
            throw new IllegalArgumentException("only reject takes a message, not " + action.wireName());
        }
    }

    /**
     * Parses one rule. The {@code =} that ends the selector is the first one whose remainder is a valid
     * {@code <action>[:<message>]}, so patterns may contain {@code =}.
     *
     * @param text     the rule, already trimmed, without separators
     * @param position 1-based position in the policy text, for the error message
     * @return the rule
     * @throws PolicySyntaxException when the rule has no valid action, an empty permission or pattern, a message on an
     *                               action other than reject, or an empty message
     */
    static PermissionRule parse(String text, int position) {
        String problem = "missing '=<action>'; write <permission>[:<pattern>]=<action>[:<message>] with action "
                + "allow, once, always, reject or escalate";
        for (int equals = text.indexOf('='); equals >= 0; equals = text.indexOf('=', equals + 1)) {
            String remainder = text.substring(equals + 1);
            int colon = remainder.indexOf(':');
            String keyword = colon < 0 ? remainder : remainder.substring(0, colon);
            Optional<PermissionAction> action = PermissionAction.fromKeyword(keyword);
            if (action.isEmpty()) {
                continue;
            }
            String message = colon < 0 ? null : remainder.substring(colon + 1).strip();
            if (message != null && action.get() != PermissionAction.REJECT) {
                problem = "only reject takes a message, " + keyword.strip() + " does not";
                continue;
            }
            if (message != null && message.isEmpty()) {
                problem = "'reject:' has an empty message; drop the ':' or write the feedback after it";
                continue;
            }
            return fromSelector(text, position, text.substring(0, equals), action.get(), message);
        }
        throw new PolicySyntaxException(KIND, position, text, problem);
    }

    private static PermissionRule fromSelector(String text, int position, String selector, PermissionAction action,
                                               String message) {
        int colon = selector.indexOf(':');
        String permission = (colon < 0 ? selector : selector.substring(0, colon)).strip();
        String pattern = colon < 0 ? "*" : selector.substring(colon + 1).strip();
        if (permission.isEmpty()) {
            throw new PolicySyntaxException(KIND, position, text,
                    "the permission before '=' is empty; write for example bash=allow or *=reject");
        }
        if (pattern.isEmpty()) {
            throw new PolicySyntaxException(KIND, position, text,
                    "the pattern after ':' is empty; leave out ':' to match every pattern, or write one such as git *");
        }
        return new PermissionRule(Wildcard.of(permission), Wildcard.of(pattern), action, message);
    }

    /**
     * @param request a pending permission request
     * @return true when the permission matches and every one of the request's patterns matches; a request without
     * patterns matches only a rule whose pattern is {@code *}
     */
    public boolean matches(PermissionRequest request) {
        if (!permission.matches(request.permission())) {
            return false;
        }
        List<String> patterns = request.patterns();
        if (patterns == null || patterns.isEmpty()) {
            return pattern.matchesEverything();
        }
        return patterns.stream().allMatch(pattern::matches);
    }

    /** @return the decision this rule gives, naming the rule */
    public PermissionDecision decision() {
        return new PermissionDecision(action, message, toString());
    }

    /**
     * @return the normalized rule, {@code <permission>:<pattern>=<action>[:<message>]} with {@code allow} written as
     * {@code once}; it parses back to an equal rule unless the pattern itself contains {@code =<action>}
     */
    @Override
    public String toString() {
        return permission + ":" + pattern + "=" + action.wireName() + (message == null ? "" : ":" + message);
    }
}
