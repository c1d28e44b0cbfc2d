package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The share of expired Kafka claims one sweep takes: {@code ceil(expired / max(1, live runners))}. */
class TakeOverShareTest {

    @ParameterizedTest(name = "{0} expired, {1} live runners -> {2}")
    @CsvSource({
        "0, 1, 0",
        "0, 3, 0",
        "1, 1, 1",
        "1, 3, 1",
        "53, 1, 53",
        "53, 2, 27",
        "26, 2, 13",
        "10, 3, 4",
        "9, 3, 3",
        "2, 5, 1",
        "7, 0, 7",
        "7, -1, 7",
    })
    void eachSweepTakesItsShareRoundedUp(int expired, int liveRunners, int share) {
        assertThat(TakeOverShare.of(expired, liveRunners)).isEqualTo(share);
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThatThrownBy(() -> TakeOverShare.of(-1, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
