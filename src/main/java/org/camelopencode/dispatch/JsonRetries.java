package org.camelopencode.dispatch;

import java.util.List;
import org.camelopencode.client.MessageWithParts;

/**
 * The stricter JSON prompts one attempt sent in its session.
 *
 * @param used how many were sent
 * @param rejectedReplyId the id of the last message the gate must not judge again ({@code msg_...}): the last reply a
 *     stricter prompt answered, or, before the first, the newest message before a continued session's prompt; {@code null}
 *     when every message is the run's
 */
record JsonRetries(int used, String rejectedReplyId) {

    /** None sent yet. */
    static final JsonRetries NONE = new JsonRetries(0, null);

    /**
     * @param rejected the id of the reply the new stricter prompt answers
     * @return one more sent
     */
    JsonRetries next(String rejected) {
        return new JsonRetries(used + 1, rejected);
    }

    /**
     * @param limits the attempt's limits
     * @return whether another stricter prompt may be sent
     */
    boolean remain(DispatchLimits limits) {
        return used < limits.jsonRetries();
    }

    /**
     * After a stricter JSON prompt, the rejected reply is still the session's latest completed assistant message until
     * the new turn writes one: the gate judges only the messages after it.
     *
     * @param messages the session's messages, oldest first
     * @return the messages after the rejected reply; all of them when none was rejected or it is not listed (only the
     *     newest messages were readable, all after it)
     */
    List<MessageWithParts> notYetJudged(List<MessageWithParts> messages) {
        if (rejectedReplyId == null) {
            return messages;
        }
        for (int index = messages.size() - 1; index >= 0; index--) {
            if (messages.get(index).info() != null && rejectedReplyId.equals(messages.get(index).info().id())) {
                return messages.subList(index + 1, messages.size());
            }
        }
        return messages;
    }

    /**
     * @param message the gate's reason for {@code assistant_output_not_json}
     * @return the reason, followed by {@code " (after N stricter JSON retries in the same session)"} when any was sent
     */
    String describe(String message) {
        return used == 0 ? message
                : message + " (after " + used + " stricter JSON " + (used == 1 ? "retry" : "retries") + " in the same session)";
    }
}
