package org.camelopencode.failure;

import java.util.Locale;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeAuthenticationException;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeConnectionException;
import org.camelopencode.client.OpenCodeProtocolException;

/**
 * Maps what the OpenCode server reports into the {@link FailureKind} taxonomy. Stateless.
 *
 * <p>Sources: the {@code error} of the final assistant message ({@code GET /session/{id}/message},
 * {@code message.updated}), a {@code session.error} event when no assistant message exists, and
 * the client exceptions of failed HTTP calls to the server itself.
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    /**
     * Classifies the {@code error} of an assistant message.
     *
     * <ul>
     *   <li>{@code APIError} 401/403 and {@code ProviderAuthError} -> auth_failed;</li>
     *   <li>{@code APIError} 429 or a message naming a rate limit -> rate_limited;</li>
     *   <li>{@code APIError} 5xx/529, other retryable API errors -> provider_unavailable;</li>
     *   <li>{@code ContextOverflowError} -> context_overflow; {@code StructuredOutputError} -> assistant_output_not_json;</li>
     *   <li>{@code MessageAbortedError} -> aborted (the caller turns its own abort into timeout);</li>
     *   <li>anything else -> agent_error.</li>
     * </ul>
     *
     * @param error the message error, never {@code null}
     * @return the kind
     */
    public static FailureKind classify(MessageError error) {
        String name = error.name() == null ? "" : error.name();
        switch (name) {
            case "ProviderAuthError":
                return FailureKind.AUTH_FAILED;
            case "ContextOverflowError":
                return FailureKind.CONTEXT_OVERFLOW;
            case "StructuredOutputError":
                return FailureKind.ASSISTANT_OUTPUT_NOT_JSON;
            case "MessageAbortedError":
                return FailureKind.ABORTED;
            case "APIError":
                return classifyApiError(error);
            default:
                return FailureKind.AGENT_ERROR;
        }
    }

    private static FailureKind classifyApiError(MessageError error) {
        Integer status = error.statusCode();
        String message = error.message() == null ? "" : error.message().toLowerCase(Locale.ROOT);
        if (status != null && (status == 401 || status == 403)) {
            return FailureKind.AUTH_FAILED;
        }
        if ((status != null && status == 429) || message.contains("rate limit") || message.contains("too many requests")) {
            return FailureKind.RATE_LIMITED;
        }
        if (status != null && status == 400 && message.contains("context")) {
            return FailureKind.CONTEXT_OVERFLOW;
        }
        if ((status != null && (status >= 500 || status == 408)) || error.isRetryable() || message.contains("overloaded")) {
            return FailureKind.PROVIDER_UNAVAILABLE;
        }
        return FailureKind.AGENT_ERROR;
    }

    /**
     * A readable one-line reason for a message error, such as {@code "APIError 429: Too Many Requests"}.
     *
     * @param error the message error
     * @return the reason; never includes response headers (they may echo credentials)
     */
    public static String describe(MessageError error) {
        StringBuilder text = new StringBuilder(error.name() == null ? "error" : error.name());
        if (error.statusCode() != null) {
            text.append(' ').append(error.statusCode());
        }
        String message = error.message();
        if (message != null && !message.isBlank() && !message.equals(error.name())) {
            text.append(": ").append(message);
        }
        return text.toString();
    }

    /**
     * Classifies a failed call to the OpenCode server itself (not the model provider).
     *
     * @param exception the client exception
     * @param sessionId the session involved, or {@code null}
     * @return the failure to throw: auth_failed for 401/403, provider_unavailable for unreachable
     *     servers, garbage answers and 5xx, invalid_task for 400 (the server rejected the request)
     */
    public static OpenCodeFailureException fromClientException(OpenCodeClientException exception, String sessionId) {
        FailureKind kind;
        if (exception instanceof OpenCodeAuthenticationException) {
            kind = FailureKind.AUTH_FAILED;
        } else if (exception instanceof OpenCodeConnectionException || exception instanceof OpenCodeProtocolException) {
            kind = FailureKind.PROVIDER_UNAVAILABLE;
        } else if (exception instanceof OpenCodeApiException api && api.statusCode() >= 400 && api.statusCode() < 500) {
            kind = api.statusCode() == 429 ? FailureKind.RATE_LIMITED : FailureKind.INVALID_TASK;
        } else {
            kind = FailureKind.PROVIDER_UNAVAILABLE;
        }
        return new OpenCodeFailureException(kind, "OpenCode server: " + exception.getMessage(), sessionId, null, exception);
    }
}
