package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.camelopencode.ledger.ClaimState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaHandOverTest {

    @ParameterizedTest(name = "{0}, completed {1}, clustered {2} -> {3}")
    @CsvSource({
        "CLAIMED,            false, false, RUN",
        "CLAIMED,            false, true,  RUN",
        "TAKEN_OVER,         false, true,  RUN",
        "CLAIMED,            true,  false, RUN",
        "CLAIMED,            true,  true,  COMPLETED",
        "TAKEN_OVER,         true,  true,  COMPLETED",
        "ALREADY_OWNED,      false, true,  RUNNING_HERE",
        "ALREADY_OWNED,      false, false, RUNNING_HERE",
        "HELD_BY_LIVE_OWNER, false, true,  RUNNING_ELSEWHERE",
        "HELD_BY_LIVE_OWNER, true,  true,  RUNNING_ELSEWHERE",
    })
    void decidesByClaimCompletionAndCluster(ClaimState state, boolean completed, boolean clustered, KafkaHandOver expected) {
        KafkaHandOver decision = KafkaHandOver.decide(state, completed, clustered);
        assertThat(decision).isEqualTo(expected);
        assertThat(decision.run()).isEqualTo(expected == KafkaHandOver.RUN);
        assertThat(decision.reason()).isNotBlank();
    }
}
