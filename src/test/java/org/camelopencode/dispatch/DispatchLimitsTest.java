package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.camelopencode.agent.TokenUsage;
import org.junit.jupiter.api.Test;

/** {@link DispatchLimits}: the budget check and validation, and how requests carry limits. */
class DispatchLimitsTest {

    @Test
    void tokensCountInputOutputAndReasoningButNotTheCache() {
        DispatchLimits limits = new DispatchLimits(100L, null, 1);
        assertThat(limits.exceededBy(new TokenUsage(60, 30, 10, 500, 500), 0)).isEmpty();
        assertThat(limits.exceededBy(new TokenUsage(60, 30, 11, 0, 0), 0))
                .hasValue("used 101 tokens (input 60, output 30, reasoning 11), over the cap maxTokens=100");
    }

    @Test
    void costIsCappedInUsd() {
        DispatchLimits limits = new DispatchLimits(null, 0.5, 1);
        assertThat(limits.exceededBy(TokenUsage.ZERO, 0.5)).isEmpty();
        assertThat(limits.exceededBy(TokenUsage.ZERO, 0.51)).hasValue("cost 0.51 USD, over the cap maxCost=0.5");
    }

    @Test
    void noCapsNeverTrip() {
        assertThat(DispatchLimits.DEFAULTS.exceededBy(new TokenUsage(Long.MAX_VALUE / 4, 0, 0, 0, 0), 1e9)).isEmpty();
        assertThat(DispatchLimits.DEFAULTS.capped()).isFalse();
        assertThat(DispatchLimits.DEFAULTS.jsonRetries()).isEqualTo(1);
    }

    @Test
    void capsMustBePositiveAndRetriesNotNegative() {
        assertThatThrownBy(() -> new DispatchLimits(0L, null, 1)).hasMessageContaining("maxTokens must be positive");
        assertThatThrownBy(() -> new DispatchLimits(null, -1.0, 1)).hasMessageContaining("maxCost");
        assertThatThrownBy(() -> new DispatchLimits(null, Double.NaN, 1)).hasMessageContaining("maxCost");
        assertThatThrownBy(() -> new DispatchLimits(null, Double.POSITIVE_INFINITY, 1)).hasMessageContaining("maxCost");
        assertThatThrownBy(() -> new DispatchLimits(null, null, -1)).hasMessageContaining("jsonRetries");
    }

    @Test
    void requestsDefaultToNoCapsAndKeepTheirLimitsThroughCopies() {
        DispatchRequest plain = DispatchRequest.of("p", Duration.ofSeconds(5));
        assertThat(plain.limits()).isEqualTo(DispatchLimits.DEFAULTS);
        DispatchLimits limits = new DispatchLimits(10L, 0.1, 0);
        DispatchRequest capped = plain.withLimits(limits).withAttempt(2).withModel("scripted/fallback");
        assertThat(capped.limits()).isEqualTo(limits);
        assertThat(capped.model()).isEqualTo("scripted/fallback");
        assertThat(capped.attempt()).isEqualTo(2);
        assertThatThrownBy(() -> plain.withModel("no-slash")).isInstanceOf(IllegalArgumentException.class);
    }
}
