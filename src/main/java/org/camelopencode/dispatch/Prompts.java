package org.camelopencode.dispatch;

import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptRequest;

/**
 * Builds the body of {@code POST /session/{id}/prompt_async} (and the synchronous
 * {@code /message}) from a {@link DispatchRequest}.
 */
public final class Prompts {

    private Prompts() {
    }

    /**
     * @param request the attempt
     * @return the prompt: one text part, plus model, agent, system and
     *     {@code format: {type: json_schema, schema}} when the request names them
     */
    public static PromptRequest of(DispatchRequest request) {
        PromptRequest prompt = PromptRequest.text(request.prompt());
        if (request.model() != null) {
            prompt = prompt.withModel(ModelReference.parse(request.model()));
        }
        if (request.agent() != null && !request.agent().isBlank()) {
            prompt = prompt.withAgent(request.agent());
        }
        if (request.system() != null && !request.system().isBlank()) {
            prompt = prompt.withSystem(request.system());
        }
        if (request.schema() != null) {
            prompt = prompt.withFormat(OpenCodeJson.mapper().createObjectNode()
                    .put("type", "json_schema")
                    .set("schema", request.schema()));
        }
        return prompt;
    }
}
