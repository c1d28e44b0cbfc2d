package org.camelopencode.component;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.camelopencode.interaction.Escalation;
import org.camelopencode.interaction.PendingInteraction;

/**
 * Publishes escalated requests to a Camel endpoint (the {@code approvalEndpoint} option): body =
 * {@link PendingInteraction#toJson()} as text; headers {@code CamelOpenCodeRequestId},
 * {@code CamelOpenCodeSessionId}, {@code CamelOpenCodeInteractionType}, {@code CamelOpenCodeExpiresAt}
 * and {@code JMSExpiration} (epoch milliseconds; a JMS endpoint with {@code preserveMessageQos=true}
 * gives the message that time to live, so nobody sees it after the dispatch stopped waiting), and
 * {@code OpenCodeNodeId} (also the body's {@code node}): the runner that owns the waiting session, unique across the
 * runners of a cluster where server names such as {@code instance-1} are not.
 */
final class EndpointEscalation implements Escalation, AutoCloseable {

    private final ProducerTemplate template;
    private final String endpointUri;
    private final String nodeId;

    /**
     * @param context the context whose producer template sends
     * @param endpointUri the approval endpoint
     * @param nodeId the node id of this runner (the owner of the waiting sessions), written into each escalation
     */
    EndpointEscalation(CamelContext context, String endpointUri, String nodeId) {
        this.template = context.createProducerTemplate();
        this.endpointUri = endpointUri;
        this.nodeId = nodeId;
    }

    @Override
    public void publish(PendingInteraction pending) {
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
