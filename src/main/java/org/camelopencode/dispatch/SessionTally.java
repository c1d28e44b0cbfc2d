package org.camelopencode.dispatch;

import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.agent.AgentRunTally;
import org.camelopencode.agent.ServerEventNormalizer;
import org.camelopencode.client.OpenCodeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one session's server events into an {@link AgentRunSummary} (tool calls, steps, tokens and cost, from
 * {@code message.part.updated} step-finish and tool parts) for progress lines and the token and cost caps. Fed by the
 * event reader thread; a surprise in an event's shape is logged and never stops the gate.
 */
final class SessionTally {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTally.class);

    private final String sessionId;
    private final ServerEventNormalizer normalizer;
    private final AgentRunTally tally = new AgentRunTally();

    /** @param sessionId the session whose events are counted */
    SessionTally(String sessionId) {
        this.sessionId = sessionId;
        this.normalizer = new ServerEventNormalizer(sessionId);
    }

    /**
     * @param event an event of the session
     * @return the summary including it
     */
    AgentRunSummary accept(OpenCodeEvent event) {
        try {
            tally.acceptAll(normalizer.accept(event));
        } catch (RuntimeException unexpected) {
            LOG.debug("Session {}: event {} not counted for progress: {}", sessionId, event.type(), unexpected.toString());
        }
        return tally.snapshot();
    }
}
