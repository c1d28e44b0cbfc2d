package org.camelopencode.component;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.camelopencode.interaction.Escalation;
import org.camelopencode.interaction.PendingInteraction;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes escalated requests to a Camel endpoint (the {@code approvalEndpoint} option): body =
 * {@link PendingInteraction#toJson()} as text; headers {@code CamelOpenCodeRequestId},
 * {@code CamelOpenCodeSessionId}, {@code CamelOpenCodeInteractionType}, {@code CamelOpenCodeExpiresAt}
 * and {@code JMSExpiration} (epoch milliseconds; a JMS endpoint with {@code preserveMessageQos=true}
 * gives the message that time to live, so nobody sees it after the dispatch stopped waiting), and
 * {@code OpenCodeNodeId} (also the body's {@code node}): the runner that owns the waiting session, unique across the
 * runners of a cluster where server names such as {@code instance-1} are not. With a ledger, the request is recorded
 * in its {@code escalations} table first (request id, session, node, time to live), so whichever runner reads the
 * approval finds the session's owner ({@code opencode:approve}); a ledger that fails is logged, and the escalation is
 * still published (this runner can then apply its approval itself).
 */
final class EndpointEscalation implements Escalation, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointEscalation.class);

    private final ProducerTemplate template;
    private final String endpointUri;
    private final String nodeId;
    private final DispatchLedger ledger;

    /**
     * @param context the context whose producer template sends
     * @param endpointUri the approval endpoint
     * @param nodeId the node id of this runner (the owner of the waiting sessions), written into each escalation
     * @param ledger where each escalation is recorded before it is sent, or {@code null} for none
     */
    EndpointEscalation(CamelContext context, String endpointUri, String nodeId, DispatchLedger ledger) {
        this.template = context.createProducerTemplate();
        this.endpointUri = endpointUri;
        this.nodeId = nodeId;
        this.ledger = ledger;
    }

    @Override
    public void publish(PendingInteraction pending) {
        if (ledger != null) {
            try {
                ledger.escalations().record(pending.requestId(), pending.sessionId(), nodeId, pending.expiresAt());
            } catch (LedgerException failure) {
                LOG.warn("Escalation of {} not recorded in the ledger (only this runner can apply its approval): {}",
                        pending.requestId(), failure.getMessage());
            }
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(OpenCodeConstants.REQUEST_ID, pending.requestId());
        headers.put(OpenCodeConstants.SESSION_ID, pending.sessionId());
        headers.put(OpenCodeConstants.INTERACTION_TYPE, pending.type());
        headers.put(OpenCodeConstants.EXPIRES_AT, pending.expiresAt().toEpochMilli());
        headers.put("JMSExpiration", pending.expiresAt().toEpochMilli());
        headers.put(OpenCodeConstants.NODE_ID, nodeId);
        template.sendBodyAndHeaders(endpointUri, pending.toJson().put("node", nodeId).toString(), headers);
    }

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
