package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A message with its parts, as returned by {@code POST /session/{id}/message} and {@code GET /session/{id}/message}.
 *
 * @param info  the message header
 * @param parts the parts in order, never null (empty when absent)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageWithParts(MessageInfo info, List<Part> parts) {

    /** Replaces a missing part list with an empty one. */
    public MessageWithParts {
        parts = parts == null ? List.of() : parts;
    }
}
