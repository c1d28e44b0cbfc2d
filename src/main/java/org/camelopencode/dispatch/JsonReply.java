package org.camelopencode.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads JSON out of an assistant's text reply: either the whole text is one JSON value, or the
 * text holds exactly one fenced block marked {@code json} (or unmarked) whose content is.
 * Prose followed by bare JSON is not accepted: that is the {@code assistant_output_not_json} case.
 */
public final class JsonReply {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern FENCE = Pattern.compile("```[ \\t]*(json|JSON)?[ \\t]*\\r?\\n(.*?)\\r?\\n?```", Pattern.DOTALL);

    private JsonReply() {
    }

    /**
     * @param text the reply text, may be {@code null}
     * @return the parsed JSON value, or empty when the text is not JSON by the rule above
     */
    public static Optional<JsonNode> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Optional<JsonNode> whole = tryParse(text.strip());
        if (whole.isPresent()) {
            return whole;
        }
        Matcher fence = FENCE.matcher(text);
        if (!fence.find()) {
            return Optional.empty();
        }
        String content = fence.group(2);
        if (fence.find()) {
            return Optional.empty();
        }
        return tryParse(content.strip());
    }

    private static Optional<JsonNode> tryParse(String candidate) {
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        char first = candidate.charAt(0);
        // A bare word or number is valid JSON but not what "reply in JSON" asks for.
        if (first != '{' && first != '[') {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readTree(candidate));
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
    }
}
