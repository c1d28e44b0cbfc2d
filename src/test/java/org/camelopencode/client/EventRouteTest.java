package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventRouteTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            1.1.65   | EVENT
            1.14.41  | EVENT
            1.14.42  | GLOBAL_EVENT
            1.14.48  | GLOBAL_EVENT
            1.15.4   | GLOBAL_EVENT
            1.15.5   | EVENT
            1.15.13  | EVENT
            1.18.33  | EVENT
            local    | EVENT
            -        | EVENT
            """)
    void theGlobalStreamOnlyWhereEventIsBroken(String version, EventRoute route) {
        assertThat(EventRoute.forVersion(OpenCodeVersion.parse(version))).isEqualTo(route);
        assertThat(EventRoute.forVersion(Optional.empty())).isEqualTo(EventRoute.EVENT);
    }
}
