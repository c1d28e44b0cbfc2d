package org.camelopencode.interaction;

import java.util.Objects;

/**
 * The permission policy's answer to one pending permission request.
 *
 * @param action  what to do; {@code once}, {@code always} and {@code reject} go to {@code POST /permission/{id}/reply}
 * @param message feedback for the agent, sent as the reply's {@code message}; only with {@link PermissionAction#REJECT},
 *                otherwise null (and may be null with reject too)
 * @param rule    the normalized text of the rule that matched, for logs, for example {@code bash:git *=once}
 */
public record PermissionDecision(PermissionAction action, String message, String rule) {

    /**
     * @throws NullPointerException     when the action or the rule is null
     * @throws IllegalArgumentException when a message is given with an action other than reject
     */
    public PermissionDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(rule, "rule");
        if (message != null && action != PermissionAction.REJECT) {
            throw new IllegalArgumentException("only a reject decision carries a message, not " + action.wireName());
        }
    }
}
