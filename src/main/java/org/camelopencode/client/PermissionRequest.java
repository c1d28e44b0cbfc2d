package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A pending permission request ({@code GET /permission}, {@code permission.asked} event).
 *
 * @param id         request id, {@code per_...}
 * @param sessionId  session that waits
 * @param permission permission name, e.g. {@code bash}
 * @param patterns   what is asked for, e.g. the command line
 * @param metadata   tool-specific details
 * @param always     patterns an {@code always} reply would allow from now on
 * @param tool       {@code {messageID, callID}} of the tool call, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PermissionRequest(String id, @JsonProperty("sessionID") String sessionId, String permission,
                                List<String> patterns, JsonNode metadata, List<String> always, JsonNode tool) {
}
