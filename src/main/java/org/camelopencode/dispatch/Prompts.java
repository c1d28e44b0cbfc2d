package org.camelopencode.dispatch;

import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptRequest;

/**
 * Builds the body of {@code POST /session/{id}/prompt_async} (and the synchronous
 * {@code /message}) from a {@link DispatchRequest}: the task's prompt, and the stricter follow-up
 * that asks again for JSON in the same session.
 */
public final class Prompts {

    /** How a stricter JSON follow-up prompt starts; the reason follows. */
    public static final String STRICTER_JSON_PREFIX = "Your previous reply was not the valid JSON that was asked for: ";

    /** The instruction of a stricter JSON follow-up prompt. */
    public static final String STRICTER_JSON_INSTRUCTION = "Reply again with ONLY the JSON value itself:"
            + " no prose before or after it, no explanation, no Markdown code fences.";

    private Prompts() {
    }

    /**
     * @param request the attempt
     * @return the prompt: one text part, plus model, agent, system and
     *     {@code format: {type: json_schema, schema}} when the request names them
     */
    public static PromptRequest of(DispatchRequest request) {
        return withSettings(PromptRequest.text(request.prompt()), request);
    }

    /**
     * The follow-up prompt sent in the same session when the reply was {@code assistant_output_not_json}:
     * it says why the reply could not be used and asks for only the JSON, with the same model, agent,
     * system prompt and format as the first prompt.
     *
     * @param request the attempt
     * @param reason why the previous reply was rejected, for example
     *     {@code JSON was expected but the reply is not JSON: "Sure! Here it is..."}
     * @return the prompt; its text starts with {@link #STRICTER_JSON_PREFIX} and contains
     *     {@link #STRICTER_JSON_INSTRUCTION}
     */
    public static PromptRequest stricterJson(DispatchRequest request, String reason) {
        StringBuilder text = new StringBuilder(STRICTER_JSON_PREFIX).append(reason).append("\n\n").append(STRICTER_JSON_INSTRUCTION);
        if (request.schema() != null) {
            text.append(" The JSON must match this JSON Schema (when a StructuredOutput tool is offered, call it with the JSON):\n")
                    .append(request.schema());
        }
        return withSettings(PromptRequest.text(text.toString()), request);
    }

    private static PromptRequest withSettings(PromptRequest text, DispatchRequest request) {
        PromptRequest prompt = text;
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
