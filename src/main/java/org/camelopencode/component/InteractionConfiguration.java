package org.camelopencode.component;

import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of {@code opencode:dispatch} that answer the agent's interruptions: the permission and question policies
 * and where escalated requests go (see the {@code opencode-interruptions} page). Set on the component, they are the
 * defaults every endpoint copies; set on an endpoint URI ({@code opencode:dispatch?permissionPolicy=...}), they apply to
 * that endpoint only. Headers {@code CamelOpenCodePermissionPolicy} / {@code CamelOpenCodeQuestionPolicy} override the
 * policies per message.
 */
@UriParams
public class InteractionConfiguration implements Cloneable {

    @UriParam(label = "producer", description = "dispatch: rules answering the agent's permission requests, separated by ; or new lines,"
            + " first match wins: permission[:pattern]=allow|once|always|reject[:feedback]|escalate, for example"
            + " bash:git *=allow; edit:*=escalate; *=reject. A request no rule matches is escalated.")
    private String permissionPolicy;
    @UriParam(label = "producer", description = "dispatch: rules answering the agent's questions, separated by ; or new lines:"
            + " header-or-question=label (several labels joined by | for multiple-choice), first, reject or escalate; key * is the default,"
            + " for example Env=staging; *=first. A question no rule matches is escalated.")
    private String questionPolicy;
    @UriParam(label = "producer", description = "dispatch: the Camel endpoint URI escalated permission and question requests are sent to"
            + " (for example jms:queue:opencode.approvals?preserveMessageQos=true), as JSON with a JMSExpiration header at their time to live."
            + " Unset = an escalation fails the task at once as pending_permission / pending_question.")
    private String approvalEndpoint;
    @UriParam(label = "producer", defaultValue = "PT30M", javaType = "java.time.Duration", description = "dispatch: how long an escalated request waits for its approval"
            + " (ISO-8601, Camel's form such as 30m, or whole seconds) before the task fails as pending_permission / pending_question;"
            + " the wait does not count against timeout.")
    private Duration approvalTimeToLive = Duration.ofMinutes(30);

    /** @return a copy, so endpoints can change their copy without touching the component's */
    public InteractionConfiguration copy() {
        try {
            return (InteractionConfiguration) clone();
        } catch (CloneNotSupportedException impossible) {
            throw new RuntimeCamelException(impossible);
        }
    }

    /** @return the permission rules, or {@code null} */
    public String getPermissionPolicy() {
        return permissionPolicy;
    }

    /** @param permissionPolicy permission rules, see the option's description */
    public void setPermissionPolicy(String permissionPolicy) {
        this.permissionPolicy = permissionPolicy;
    }

    /** @return the question rules, or {@code null} */
    public String getQuestionPolicy() {
        return questionPolicy;
    }

    /** @param questionPolicy question rules, see the option's description */
    public void setQuestionPolicy(String questionPolicy) {
        this.questionPolicy = questionPolicy;
    }

    /** @return the approval endpoint URI, or {@code null} */
    public String getApprovalEndpoint() {
        return approvalEndpoint;
    }

    /** @param approvalEndpoint the Camel endpoint URI escalations are sent to; blank = none */
    public void setApprovalEndpoint(String approvalEndpoint) {
        this.approvalEndpoint = approvalEndpoint;
    }

    /** @return how long an escalated request waits for its approval */
    public Duration getApprovalTimeToLive() {
        return approvalTimeToLive;
    }

    /**
     * @param approvalTimeToLive how long an escalated request waits for its approval; a text value set through Camel (URI, properties) is read by {@link DurationOptionConfigurer}:
     *     ISO-8601, Camel's form or whole seconds
     */
    public void setApprovalTimeToLive(Duration approvalTimeToLive) {
        this.approvalTimeToLive = approvalTimeToLive;
    }
}
