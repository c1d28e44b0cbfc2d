package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;
import org.junit.jupiter.api.Test;

/** The playbook's retry decision (stuck detection, attempt cap, earlier runs) and its fallback model chain. */
class RetryPlaybookTest {

    private final RetryPlaybook playbook = new RetryPlaybook(List.of("p/second", "p/third"), 5, Duration.ofSeconds(60));

    private static Exchange exchangeWith(int earlier, String... outcomes) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        List<AttemptRecord> attempts = new ArrayList<>();
        for (String outcome : outcomes) {
            attempts.add(new AttemptRecord(attempts.size() + 1, "ses_" + attempts.size(), "p/first", outcome,
                    "completed".equals(outcome) ? null : "reason", TokenCounts.NONE, 0, 1, "2025-01-31T10:15:30Z"));
        }
        exchange.setProperty(AttemptHistory.PROPERTY, attempts);
        exchange.setProperty(AttemptHistory.EARLIER_PROPERTY, earlier);
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, 99L);
        return exchange;
    }

    @Test
    void aKindIsRetriedUntilItFailedMoreTimesInARowThanItsAllowance() {
        assertThat(playbook.shouldRetry(exchangeWith(0, "timeout"), 1)).isTrue();
        assertThat(playbook.shouldRetry(exchangeWith(0, "timeout", "timeout"), 1)).isFalse();
        assertThat(playbook.shouldRetry(exchangeWith(0, "rate_limited", "rate_limited"), 2)).isTrue();
        assertThat(playbook.shouldRetry(exchangeWith(0, "rate_limited", "rate_limited", "rate_limited"), 2)).isFalse();
        assertThat(playbook.shouldRetry(exchangeWith(0, "auth_failed"), 0)).isFalse();
    }

    @Test
    void anotherKindInBetweenStartsItsOwnCountButTheAttemptCapHolds() {
        assertThat(playbook.shouldRetry(exchangeWith(0, "timeout", "rate_limited", "timeout"), 1)).isTrue();
        assertThat(playbook.shouldRetry(exchangeWith(0, "timeout", "rate_limited", "timeout", "rate_limited", "timeout"), 1))
                .as("five attempts made: opencode.retry.max-attempts").isFalse();
    }

    @Test
    void attemptsOfEarlierRunsDoNotCount() {
        assertThat(playbook.shouldRetry(exchangeWith(2, "timeout", "timeout", "timeout"), 1)).isTrue();
        assertThat(playbook.shouldRetry(exchangeWith(5, "timeout", "timeout", "timeout", "timeout", "timeout", "timeout"), 1))
                .isTrue();
        assertThat(playbook.shouldRetry(exchangeWith(3, "timeout", "timeout", "timeout"), 1))
                .as("no attempt in this run: nothing was dispatched").isFalse();
    }

    @Test
    void theServersRetryTimeBecomesTheRedeliveryDelayCappedAtTheMaximum() {
        Exchange exchange = exchangeWith(0, "rate_limited");
        exchange.setException(new OpenCodeFailureException(FailureKind.RATE_LIMITED, "429").withRetryAfter(Duration.ofMillis(1500)));
        assertThat(playbook.shouldRetry(exchange, 2)).isTrue();
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(1500L);

        Exchange tooLong = exchangeWith(0, "rate_limited");
        tooLong.setException(new OpenCodeFailureException(FailureKind.RATE_LIMITED, "429").withRetryAfter(Duration.ofHours(1)));
        assertThat(playbook.shouldRetry(tooLong, 2)).isTrue();
        assertThat(tooLong.getIn().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(60_000L);
    }

    @Test
    void withoutAServerRetryTimeTheClauseDelayApplies() {
        Exchange exchange = exchangeWith(0, "rate_limited");

        assertThat(playbook.shouldRetry(exchange, 2)).isTrue();
        assertThat(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    @Test
    void providerFailuresMoveAlongTheFallbackChainAndTheLastRepeats() {
        assertThat(playbook.fallbackModel(exchangeWith(0, "timeout").getProperty(AttemptHistory.PROPERTY, List.class))).isNull();
        Exchange exchange = exchangeWith(0, "rate_limited");
        exchange.getIn().setBody(TaskSpec.ofPrompt("t", "Do it.").withModel("p/first"));
        exchange.getIn().setHeader(OpenCodeConstants.TASK_NAME, "t");

        playbook.process(exchange);
        assertThat(exchange.getIn().getBody(TaskSpec.class).model()).isEqualTo("p/second");

        Exchange third = exchangeWith(0, "rate_limited", "provider_unavailable", "provider_unavailable");
        third.getIn().setBody("a plain prompt");
        playbook.process(third);
        assertThat(third.getIn().getHeader(OpenCodeConstants.MODEL)).isEqualTo("p/third");
    }

    @Test
    void malformedSettingsAreRejected() {
        assertThatThrownBy(() -> new RetryPlaybook(List.of("no-slash"), 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opencode.fallback-models");
        assertThatThrownBy(() -> new RetryPlaybook(List.of(), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opencode.retry.max-attempts");
    }
}
