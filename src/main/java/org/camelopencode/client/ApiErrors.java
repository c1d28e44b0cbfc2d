package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Builds the exception for a non-2xx answer from the server's {@code {"name":...,"data":{"message":...}}} body. */
final class ApiErrors {

    private ApiErrors() {
    }

    /**
     * @param request method and path
     * @param status  HTTP status
     * @param body    response body, may be null or not JSON
     * @return {@link OpenCodeAuthenticationException} for 401/403, else {@link OpenCodeApiException}
     */
    static OpenCodeApiException toException(String request, int status, String body) {
        String name = null;
        String message = null;
        JsonNode root = tryParse(body);
        if (root != null && root.isObject()) {
            name = textOrNull(root.get("name"));
            JsonNode data = root.get("data");
            message = data != null ? textOrNull(data.get("message")) : null;
            if (message == null) {
                message = textOrNull(root.get("message"));
            }
        }
        if (message == null && body != null && !body.isBlank()) {
            message = OpenCodeProtocolException.excerpt(body.strip());
        }
        if (status == 401 || status == 403) {
            return new OpenCodeAuthenticationException(request, status, name, message);
        }
        return new OpenCodeApiException(request, status, name, message);
    }

    private static JsonNode tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return OpenCodeJson.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }
}
