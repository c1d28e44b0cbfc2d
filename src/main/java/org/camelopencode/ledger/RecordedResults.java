package org.camelopencode.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.dispatch.DispatchResult;

/** The {@code result_json} column: a {@link DispatchResult} as JSON and back, so a finished task can be answered again. */
final class RecordedResults {

    private RecordedResults() {
    }

    /**
     * @param result a completed attempt's result
     * @return its JSON: {@code sessionId, messageId, model, agent, text, json, tokens{input, output, reasoning, cacheRead,
     *     cacheWrite}, cost, finish, durationMillis}
     */
    static String toJson(DispatchResult result) {
        ObjectNode node = OpenCodeJson.mapper().createObjectNode();
        node.put("sessionId", result.sessionId());
        node.put("messageId", result.messageId());
        node.put("model", result.model());
        node.put("agent", result.agent());
        node.put("text", result.text());
        node.set("json", result.json());
        ObjectNode tokens = node.putObject("tokens");
        TokenUsage usage = result.tokens() == null ? TokenUsage.ZERO : result.tokens();
        tokens.put("input", usage.input());
        tokens.put("output", usage.output());
        tokens.put("reasoning", usage.reasoning());
        tokens.put("cacheRead", usage.cacheRead());
        tokens.put("cacheWrite", usage.cacheWrite());
        node.put("cost", result.cost());
        node.put("finish", result.finish());
        node.put("durationMillis", result.duration() == null ? 0 : result.duration().toMillis());
        return node.toString();
    }

    /**
     * @param json a value written by {@link #toJson}
     * @return the result
     * @throws IllegalStateException when the stored JSON is malformed (the ledger was edited by hand or is corrupt)
     */
    static DispatchResult fromJson(String json) {
        JsonNode node;
        try {
            node = OpenCodeJson.mapper().readTree(json);
        } catch (JsonProcessingException malformed) {
            throw new IllegalStateException("a recorded result in the ledger is not valid JSON: " + malformed.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("a recorded result in the ledger is not a JSON object");
        }
        JsonNode tokens = node.path("tokens");
        JsonNode structured = node.get("json");
        return new DispatchResult(text(node, "sessionId"), text(node, "messageId"), text(node, "model"), text(node, "agent"),
                text(node, "text"), structured == null || structured.isNull() ? null : structured,
                new TokenUsage(tokens.path("input").asLong(), tokens.path("output").asLong(), tokens.path("reasoning").asLong(),
                        tokens.path("cacheRead").asLong(), tokens.path("cacheWrite").asLong()),
                node.path("cost").asDouble(), text(node, "finish"), Duration.ofMillis(node.path("durationMillis").asLong()));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
