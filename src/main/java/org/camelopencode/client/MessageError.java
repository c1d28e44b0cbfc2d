package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code error} of an assistant message or a {@code session.error} event: {@code {name, data}} where name is
 * {@code APIError}, {@code ProviderAuthError}, {@code ContextOverflowError}, {@code StructuredOutputError},
 * {@code MessageAbortedError}, {@code MessageOutputLengthError}, {@code ContentFilterError} or {@code UnknownError}.
 *
 * @param name the error name
 * @param data the error data object, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageError(String name, JsonNode data) {

    /** @return {@code data.message} when present, else the name */
    public String message() {
        String message = text("message");
        return message != null ? message : name;
    }

    /** @return {@code data.statusCode} (APIError), or null */
    public Integer statusCode() {
        JsonNode value = data == null ? null : data.get("statusCode");
        return value != null && value.canConvertToInt() && value.isNumber() ? value.intValue() : null;
    }

    /** @return {@code data.isRetryable} (APIError), false when absent */
    public boolean isRetryable() {
        JsonNode value = data == null ? null : data.get("isRetryable");
        return value != null && value.asBoolean(false);
    }

    /** @return {@code data.responseHeaders} as a map (APIError), empty when absent */
    public Map<String, String> responseHeaders() {
        JsonNode headers = data == null ? null : data.get("responseHeaders");
        Map<String, String> result = new LinkedHashMap<>();
        if (headers != null && headers.isObject()) {
            headers.fields().forEachRemaining(entry -> result.put(entry.getKey(), entry.getValue().asText()));
        }
        return result;
    }

    /** @return {@code data.responseBody} (APIError, ContextOverflowError), or null */
    public String responseBody() {
        return text("responseBody");
    }

    private String text(String field) {
        JsonNode value = data == null ? null : data.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
