package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /session/{id}/message} and {@code POST /session/{id}/prompt_async}. Null fields are omitted.
 *
 * @param parts   input parts, usually one text part
 * @param model   model to use, null = the server's default
 * @param agent   agent name, e.g. {@code build} or {@code plan}
 * @param system  extra system prompt
 * @param tools   tool enable/disable map
 * @param format  output format, e.g. {@code {"type":"json_schema","schema":{...}}}
 * @param variant model variant
 * @param noReply true to add the message without running the model
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptRequest(List<PromptPart> parts, ModelReference model, String agent, String system,
                            Map<String, Boolean> tools, JsonNode format, String variant, Boolean noReply) {

    /**
     * @param text the prompt text
     * @return a request with one text part and nothing else
     */
    public static PromptRequest text(String text) {
        return new PromptRequest(List.of(PromptPart.text(text)), null, null, null, null, null, null, null);
    }

    /** @param newModel the model, null = server default @return a copy with that model */
    public PromptRequest withModel(ModelReference newModel) {
        return new PromptRequest(parts, newModel, agent, system, tools, format, variant, noReply);
    }

    /** @param newAgent the agent name @return a copy with that agent */
    public PromptRequest withAgent(String newAgent) {
        return new PromptRequest(parts, model, newAgent, system, tools, format, variant, noReply);
    }

    /** @param newSystem the extra system prompt @return a copy with that system prompt */
    public PromptRequest withSystem(String newSystem) {
        return new PromptRequest(parts, model, agent, newSystem, tools, format, variant, noReply);
    }

    /** @param newFormat the output format object @return a copy with that format */
    public PromptRequest withFormat(JsonNode newFormat) {
        return new PromptRequest(parts, model, agent, system, tools, newFormat, variant, noReply);
    }

    /** @param newTools tool enable/disable map @return a copy with those tool switches */
    public PromptRequest withTools(Map<String, Boolean> newTools) {
        return new PromptRequest(parts, model, agent, system, newTools, format, variant, noReply);
    }
}
