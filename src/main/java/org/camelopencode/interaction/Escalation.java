package org.camelopencode.interaction;

/**
 * Where a pending permission or question request goes when the policy says {@code escalate}: to a
 * person, through an approval endpoint (in the component, any Camel endpoint such as a JMS queue).
 * Their answer comes back as an {@link Approval} and is applied with {@link Approvals#apply}.
 */
@FunctionalInterface
public interface Escalation {

    /**
     * Publishes a pending request. Called on a dispatcher worker thread; may block briefly.
     *
     * @param pending the request, who waits for it and until when
     * @throws RuntimeException when it cannot be published; the task then fails as
     *     {@code pending_permission} / {@code pending_question} at once
     */
    void publish(PendingInteraction pending);
}
