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
 * gives the message that time to live, so nobody sees it after the dispatch stopped waiting).
 */
final class EndpointEscalation implements Escalation, AutoCloseable {

    private final ProducerTemplate template;
    private final String endpointUri;

    EndpointEscalation(CamelContext context, String endpointUri) {
        this.template = context.createProducerTemplate();
        this.endpointUri = endpointUri;
    }

    @Override
    public void publish(PendingInteraction pending) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(OpenCodeConstants.REQUEST_ID, pending.requestId());
        headers.put(OpenCodeConstants.SESSION_ID, pending.sessionId());
        headers.put(OpenCodeConstants.INTERACTION_TYPE, pending.type());
        headers.put(OpenCodeConstants.EXPIRES_AT, pending.expiresAt().toEpochMilli());
        headers.put("JMSExpiration", pending.expiresAt().toEpochMilli());
        template.sendBodyAndHeaders(endpointUri, pending.toJson().toString(), headers);
    }

    @Override
    public void close() throws Exception {
        template.stop();
    }
}
