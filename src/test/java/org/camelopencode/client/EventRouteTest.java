package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventRouteTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            1.0.9    | EVENT
            1.1.64   | EVENT
            1.1.65   | GLOBAL_EVENT
            1.14.41  | GLOBAL_EVENT
            1.14.42  | GLOBAL_EVENT
            1.15.5   | GLOBAL_EVENT
            1.18.33  | GLOBAL_EVENT
            local    | GLOBAL_EVENT
            -        | GLOBAL_EVENT
            """)
    void theGlobalStreamWhereverItExists(String version, EventRoute route) {
        assertThat(EventRoute.forVersion(OpenCodeVersion.parse(version))).isEqualTo(route);
        assertThat(EventRoute.forVersion(Optional.empty())).isEqualTo(EventRoute.GLOBAL_EVENT);
    }
}
