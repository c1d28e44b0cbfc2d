package org.camelopencode.interaction;

import java.time.Duration;

/**
 * How a dispatch answers the agent's interruptions: the permission and question policies, where
 * escalated requests go, how long a person has to answer, and whether the task is read-only.
 *
 * @param permissions rules for {@code permission.asked}; no matching rule = escalate
 * @param questions rules for {@code question.asked}; no matching rule = escalate
 * @param escalation where escalated requests are published, or {@code null}: then an escalation
 *     fails the task at once as {@code pending_permission} / {@code pending_question}
 * @param approvalTimeToLive how long an escalated request waits for its approval; positive. The
 *     wait does not count against the task's timeout
 * @param readOnly the task must not change files: sessions are created with {@code edit} denied
 *     and edit requests are rejected with feedback (see {@link #effectivePermissions()})
 */
public record InteractionPolicy(PermissionPolicy permissions, QuestionPolicy questions, Escalation escalation,
        Duration approvalTimeToLive, boolean readOnly) {

    /** Default time an escalated request waits for a person. */
    public static final Duration DEFAULT_APPROVAL_TIME_TO_LIVE = Duration.ofMinutes(30);

    /** Validates and fills defaults: {@code null} policies become empty ones, a {@code null} time to live the default. */
    public InteractionPolicy {
        permissions = permissions == null ? PermissionPolicy.empty() : permissions;
        questions = questions == null ? QuestionPolicy.empty() : questions;
        approvalTimeToLive = approvalTimeToLive == null ? DEFAULT_APPROVAL_TIME_TO_LIVE : approvalTimeToLive;
        if (approvalTimeToLive.isZero() || approvalTimeToLive.isNegative()) {
            throw new IllegalArgumentException("approvalTimeToLive must be positive, was " + approvalTimeToLive);
        }
    }

    /**
     * DESIGN.md's default: every request escalates, and with no approval endpoint that fails the
     * task at once with the request attached.
     *
     * @return empty policies, no escalation, not read-only
     */
    public static InteractionPolicy defaults() {
        return new InteractionPolicy(null, null, null, null, false);
    }

    /** @return the permission rules in force: the read-only rules first when {@link #readOnly()} */
    public PermissionPolicy effectivePermissions() {
        return readOnly ? permissions.readOnly() : permissions;
    }
}
