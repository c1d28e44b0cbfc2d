package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.Optional;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeAuthenticationException;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeConnectionException;
import org.camelopencode.client.OpenCodeProtocolException;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.OpenCodeFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed look at a session ({@code GET /session/status}, {@code GET /session/{id}/message}, {@code GET /permission},
 * {@code GET /question}, a stricter prompt) means for the attempt: an unreachable server is given
 * {@link DispatchOptions#serverLostTimeout()}; a refusal that asking again cannot change (401/403, any other 4xx but
 * 429, a body that is not the expected JSON) ends the attempt at once; anything else is tried again.
 */
final class FailedReads {

    private static final Logger LOG = LoggerFactory.getLogger(FailedReads.class);

    private final Duration serverLostTimeout;
    private volatile long unreachableSinceNanos = -1;

    /** @param serverLostTimeout how long the server may stay unreachable */
    FailedReads(Duration serverLostTimeout) {
        this.serverLostTimeout = serverLostTimeout;
    }

    /** The server answered: an unreachable spell is over. */
    void reached() {
        unreachableSinceNanos = -1;
    }

    /**
     * @param failure what the read threw
     * @param sessionId the session
     * @param nowNanos {@link System#nanoTime()} now
     * @return the classified failure that ends the attempt; empty when the look should be tried again shortly
     */
    Optional<OpenCodeFailureException> after(OpenCodeClientException failure, String sessionId, long nowNanos) {
        if (failure instanceof OpenCodeConnectionException) {
            if (unreachableSinceNanos < 0) {
                unreachableSinceNanos = nowNanos;
            }
            return nowNanos - unreachableSinceNanos >= serverLostTimeout.toNanos()
                    ? Optional.of(FailureClassifier.fromClientException(failure, sessionId)) : Optional.empty();
        }
        if (failure instanceof OpenCodeAuthenticationException || failure instanceof OpenCodeProtocolException
                || failure instanceof OpenCodeApiException refused && refused.statusCode() >= 400 && refused.statusCode() < 500
                && refused.statusCode() != 429) {
            // The server refuses to show this session's state; asking again gets the same answer until the deadline.
            return Optional.of(FailureClassifier.fromClientException(failure, sessionId));
        }
        LOG.warn("Session {}: reading its state failed ({}); retrying", sessionId, failure.getMessage());
        return Optional.empty();
    }
}
