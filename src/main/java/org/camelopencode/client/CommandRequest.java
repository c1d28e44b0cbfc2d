package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Body of {@code POST /session/{id}/command}: a slash command (a Markdown file {@code .opencode/command/<name>.md} of the
 * session's directory, or a built-in one) with its arguments. Null fields are omitted.
 *
 * @param command   the command's name without the slash, e.g. {@code review}; never blank
 * @param arguments the text after the command name (the {@code $ARGUMENTS} of the command file); never null, may be empty
 * @param agent     agent name, null = the command's or the server's default
 * @param model     {@code provider/model}, null = the command's or the server's default (a string here, unlike prompts)
 * @param parts     file parts attached to the command, null for none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandRequest(String command, String arguments, String agent, String model, List<PromptPart> parts) {

    /** Validates the command name; null arguments become empty (the server requires the field). */
    public CommandRequest {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
        arguments = arguments == null ? "" : arguments;
        parts = parts == null || parts.isEmpty() ? null : List.copyOf(parts);
    }
}
