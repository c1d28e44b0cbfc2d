package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeAuthenticationException;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeConnectionException;
import org.camelopencode.client.OpenCodeProtocolException;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link FailedReads}: which failed looks at a session end the attempt and which are tried again. */
class FailedReadsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String READ = "GET /session/ses_1/message";

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new OpenCodeAuthenticationException(READ, 401, "Unauthorized", "no"), FailureKind.AUTH_FAILED),
                Arguments.of(new OpenCodeProtocolException(READ + ": expected JSON"), FailureKind.PROVIDER_UNAVAILABLE),
                Arguments.of(new OpenCodeApiException(READ, 404, "NotFoundError", "gone"), FailureKind.INVALID_TASK),
                Arguments.of(new OpenCodeApiException(READ, 400, "BadRequest", "no"), FailureKind.INVALID_TASK),
                Arguments.of(new OpenCodeApiException(READ, 429, "TooMany", "later"), null),
                Arguments.of(new OpenCodeApiException(READ, 500, "UnknownError", "boom"), null),
                Arguments.of(new OpenCodeClientException(READ + ": cannot serialize"), null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void refusalsThatAskingAgainCannotChangeEndTheAttemptOthersAreTriedAgain(OpenCodeClientException failure, FailureKind kind) {
        Optional<OpenCodeFailureException> ended = new FailedReads(Duration.ofSeconds(30)).after(failure, "ses_1", 0);

        assertThat(ended.map(OpenCodeFailureException::getKind).orElse(null)).isEqualTo(kind);
        ended.ifPresent(exception -> assertThat(exception.getSessionId()).isEqualTo("ses_1"));
    }

    @Test
    void anUnreachableServerIsGivenTheServerLostTimeoutFromItsFirstFailureUntilItAnswersAgain() {
        FailedReads reads = new FailedReads(Duration.ofSeconds(30));
        OpenCodeConnectionException refused = new OpenCodeConnectionException(READ + ": connection refused", null, false);

        assertThat(reads.after(refused, "ses_1", 100 * SECOND)).isEmpty();
        assertThat(reads.after(refused, "ses_1", 129 * SECOND)).isEmpty();
        assertThat(reads.after(refused, "ses_1", 130 * SECOND)).get()
                .satisfies(failure -> assertThat(failure.getKind()).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE));

        reads.reached();
        assertThat(reads.after(refused, "ses_1", 200 * SECOND)).as("a new spell starts after an answer").isEmpty();
        assertThat(reads.after(refused, "ses_1", 229 * SECOND)).isEmpty();
    }
}
