package org.camelopencode.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.SessionStatus;
import org.junit.jupiter.api.Test;

/** {@link RetryAfter}: response headers of an APIError and OpenCode's retry status. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-21T03:17:48Z");

    @Test
    void retryAfterMillisWinsOverSeconds() {
        assertThat(RetryAfter.fromHeaders(Map.of("retry-after", "2", "retry-after-ms", "1500"), NOW)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterSecondsMayBeFractionalAndHeaderNamesAnyCase() {
        assertThat(RetryAfter.fromHeaders(Map.of("Retry-After", "2.5"), NOW)).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        assertThat(RetryAfter.fromHeaders(Map.of("retry-after", "Sat, 21 Nov 2026 03:18:18 GMT"), NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.fromHeaders(Map.of("retry-after", "Sat, 21 Nov 2026 03:00:00 GMT"), NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void missingOrGarbageHeadersSayNothing() {
        assertThat(RetryAfter.fromHeaders(Map.of("content-type", "application/json"), NOW)).isNull();
        assertThat(RetryAfter.fromHeaders(Map.of("retry-after", "soon"), NOW)).isNull();
        assertThat(RetryAfter.fromHeaders(Map.of("retry-after-ms", "NaN"), NOW)).isNull();
        assertThat(RetryAfter.fromHeaders(null, NOW)).isNull();
        assertThat(RetryAfter.fromError(null, NOW)).isNull();
    }

    @Test
    void theFinalApiErrorOfA429CarriesTheHeaders() throws Exception {
        // The shape OpenCode 1.18.33 gives the final message after its five retries of a 429.
        MessageError error = OpenCodeJson.mapper().readValue("{\"name\":\"APIError\",\"data\":{\"message\":\"Rate limit reached for requests.\","
                + "\"statusCode\":429,\"isRetryable\":true,\"responseHeaders\":{\"content-length\":\"103\",\"retry-after\":\"2\","
                + "\"retry-after-ms\":\"1500\"}}}", MessageError.class);
        assertThat(RetryAfter.fromError(error, NOW)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aRetryStatusGivesTheTimeUntilOpenCodesNextTry() {
        SessionStatus retry = new SessionStatus("retry", 2, "Rate limit reached for requests.", NOW.toEpochMilli() + 4_000);
        assertThat(RetryAfter.fromStatus(retry, NOW)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetryAfter.fromStatus(retry, NOW.plusSeconds(5))).isNull();
        assertThat(RetryAfter.fromStatus(new SessionStatus("busy", null, null, null), NOW)).isNull();
        assertThat(RetryAfter.fromStatus(null, NOW)).isNull();
    }

    @Test
    void theRetryMessageTellsRateLimitsFromOutages() {
        assertThat(RetryAfter.kindOf(new SessionStatus("retry", 1, "Rate limit reached", 1L))).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(RetryAfter.kindOf(new SessionStatus("retry", 1, "Too Many Requests", 1L))).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(RetryAfter.kindOf(new SessionStatus("retry", 1, "Service unavailable", 1L))).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(RetryAfter.kindOf(new SessionStatus("retry", 1, "Provider is overloaded", 1L))).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
    }

    @Test
    void theFailureCarriesItAndBudgetExceededHasAWireName() {
        OpenCodeFailureException failure = new OpenCodeFailureException(FailureKind.RATE_LIMITED, "429");
        assertThat(failure.getRetryAfter()).isNull();
        assertThat(failure.withRetryAfter(Duration.ofSeconds(-3)).getRetryAfter()).isEqualTo(Duration.ZERO);
        assertThat(failure.withRetryAfter(Duration.ofSeconds(3)).getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(FailureKind.fromWireName("budget_exceeded")).hasValue(FailureKind.BUDGET_EXCEEDED);
    }
}
