package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A pending question request ({@code GET /question}, {@code question.asked} event).
 *
 * @param id        request id, {@code que_...}
 * @param sessionId session that waits
 * @param questions the questions; the reply holds one answer list per question
 * @param tool      {@code {messageID, callID}} of the tool call, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuestionRequest(String id, @JsonProperty("sessionID") String sessionId, List<Question> questions,
                              JsonNode tool) {
}
