package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeartbeatClockTest {

    private static final long SECOND = 1_000_000_000L;

    /** The default 25 s timeout against the heartbeats of 1.3.2 and 1.18.33 (10 s) and 1.1.65 (30 s). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10 | 25
            30 | 75
            5  | 25
            """)
    void afterAHeartbeatTheServersIntervalSetsTheAllowance(long intervalSeconds, long allowedSeconds) {
        HeartbeatClock clock = new HeartbeatClock(Duration.ofSeconds(25));
        clock.connected(100 * SECOND);

        clock.heartbeat((100 + intervalSeconds) * SECOND);

        assertThat(clock.allowedSilence()).isEqualTo(Duration.ofSeconds(allowedSeconds));
    }

    @Test
    void untilTheFirstHeartbeatThreeTimesTheTimeout() {
        HeartbeatClock clock = new HeartbeatClock(Duration.ofSeconds(25));
        clock.connected(0);

        assertThat(clock.allowedSilence()).isEqualTo(Duration.ofSeconds(75));
    }

    @Test
    void aNewConnectionWaitsForItsFirstHeartbeatAgainAndKeepsTheLearnedInterval() {
        HeartbeatClock clock = new HeartbeatClock(Duration.ofSeconds(10));
        clock.connected(0);
        clock.heartbeat(30 * SECOND);
        assertThat(clock.allowedSilence()).isEqualTo(Duration.ofSeconds(75));

        clock.connected(40 * SECOND);
        assertThat(clock.allowedSilence()).as("3 x 10 s < 2.5 x 30 s").isEqualTo(Duration.ofSeconds(75));
        clock.heartbeat(50 * SECOND);
        assertThat(clock.allowedSilence()).as("the latest interval counts").isEqualTo(Duration.ofSeconds(25));
    }
}
