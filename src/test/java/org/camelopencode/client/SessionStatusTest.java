package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionStatusTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            retry | 1    | false
            retry | 5    | false
            retry | 6    | true
            retry | 4711 | true
            retry | -    | false
            busy  | 9    | false
            idle  | -    | false
            """)
    void pastTheRetryLimitOfOpenCode11833(String type, Integer attempt, boolean past) {
        assertThat(new SessionStatus(type, attempt, "Rate limit reached", 1L).isPastRetryLimit()).isEqualTo(past);
    }
}
