package org.camelopencode.dispatch;

import java.util.ArrayList;
import java.util.List;
import org.camelopencode.client.CommandRequest;
import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptPart;
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
        return withSettings(new PromptRequest(parts(request.prompt(), request), null, null, null, null, null, null, null), request);
    }

    /**
     * The body of {@code POST /session/{id}/command} for a request whose turn is a slash command: the command, its
     * arguments, the request's model and agent, and its files as file parts.
     *
     * @param request an attempt whose {@link DispatchRequest#turn()} names a command
     * @return the command body
     * @throws IllegalStateException when the request names no command
     */
    public static CommandRequest command(DispatchRequest request) {
        TurnStart turn = request.turn();
        if (turn.command() == null) {
            throw new IllegalStateException("the request names no command");
        }
        List<PromptPart> files = turn.files().stream().map(PromptPart::file).toList();
        return new CommandRequest(turn.command(), turn.arguments(), request.agent() == null || request.agent().isBlank() ? null
                : request.agent(), request.model(), files);
    }

    /** @return the text part, then one file part per file of the request */
    private static List<PromptPart> parts(String text, DispatchRequest request) {
        List<PromptPart> parts = new ArrayList<>();
        parts.add(PromptPart.text(text));
        request.turn().files().forEach(file -> parts.add(PromptPart.file(file)));
        return parts;
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
