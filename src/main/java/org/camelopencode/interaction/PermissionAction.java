package org.camelopencode.interaction;

import java.util.Locale;
import java.util.Optional;

/**
 * What the permission policy does with a pending permission request ({@code permission.asked} event,
 * {@code GET /permission}). {@link #ONCE}, {@link #ALWAYS} and {@link #REJECT} are the replies of
 * {@code POST /permission/{id}/reply}; {@link #ESCALATE} hands the request to a person instead.
 */
public enum PermissionAction {
    /** Allow this one request (rule keywords {@code once} and {@code allow}). */
    ONCE,
    /** Allow this request and, for the rest of the session, the request's {@code always} patterns. */
    ALWAYS,
    /** Refuse; an optional message is returned to the agent as feedback so its turn can go on. */
    REJECT,
    /** Ask a person through the approval endpoint; no reply is sent to the server until they answer. */
    ESCALATE;

    /** @return the lower-case name: {@code once}, {@code always}, {@code reject} or {@code escalate} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param keyword a rule keyword: {@code allow}, {@code once}, {@code always}, {@code reject} or {@code escalate},
     *                any case, surrounding whitespace ignored
     * @return the action, empty when the keyword is none of these
     */
    static Optional<PermissionAction> fromKeyword(String keyword) {
        String normalized = keyword.strip().toLowerCase(Locale.ROOT);
        if (normalized.equals("allow")) {
            return Optional.of(ONCE);
        }
        for (PermissionAction action : values()) {
            if (action.wireName().equals(normalized)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
