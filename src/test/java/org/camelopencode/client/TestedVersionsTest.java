package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestedVersionsTest {

    /** A table of the shape the conformance run gives: an old version lacking two features, two complete ones. */
    static final TestedVersions TABLE = new TestedVersions("2026-12-02", Map.of(
            "1.1.65", Map.of(ServerFeature.STRUCTURED_OUTPUT, "no StructuredOutput tool", ServerFeature.QUESTIONS, "no question tool"),
            "1.14.48", Map.of(),
            "1.18.34", Map.of()));

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.1.65  | TESTED                | QUESTIONS STRUCTURED_OUTPUT
            1.14.48 | TESTED                |
            1.18.34 | TESTED                |
            1.3.2   | UNTESTED_WITHIN_RANGE | QUESTIONS STRUCTURED_OUTPUT
            1.15.0  | UNTESTED_WITHIN_RANGE |
            1.18.40 | UNTESTED_NEWER        |
            2.0.0   | UNTESTED_NEWER        |
            1.0.0   | OLDER_THAN_TESTED     | QUESTIONS STRUCTURED_OUTPUT
            1.1.64  | OLDER_THAN_TESTED     | QUESTIONS STRUCTURED_OUTPUT
            """)
    void standingAndLackedFeatures(String version, VersionStanding standing, String lacking) {
        OpenCodeVersion parsed = OpenCodeVersion.parse(version).orElseThrow();

        assertThat(TABLE.standingOf(parsed)).isEqualTo(standing);
        assertThat(TABLE.lackedBy(parsed).keySet()).containsExactly(features(lacking));
    }

    @Test
    void rangeIsOrderedByVersionNotByText() {
        assertThat(TABLE.oldest()).hasToString("1.1.65");
        assertThat(TABLE.newest()).hasToString("1.18.34");
        assertThat(TABLE.versions()).extracting(OpenCodeVersion::toString).containsExactly("1.1.65", "1.14.48", "1.18.34");
        assertThat(TABLE.describeRange()).isEqualTo("1.1.65 to 1.18.34, measured 2026-12-02");
    }

    @Test
    void theMeasuredTableContainsThePinnedVersionWithEveryFeature() {
        TestedVersions measured = TestedVersions.measured();

        OpenCodeVersion pinned = OpenCodeVersion.parse("1.18.33").orElseThrow();
        assertThat(measured.standingOf(pinned)).isEqualTo(VersionStanding.TESTED);
        assertThat(measured.lackedBy(pinned)).isEmpty();
        assertThat(measured.measuredOn()).isEqualTo(TestedVersions.MEASURED_ON);
        assertThat(measured.versions()).extracting(OpenCodeVersion::toString)
                .containsExactly("1.1.65", "1.3.2", "1.14.48", "1.15.13", "1.17.19", "1.18.33", "1.18.34");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.1.65  | CLI_TRANSPORT SKILLS
            1.3.2   | CLI_TRANSPORT
            1.14.48 | CLI_TRANSPORT SKILLS
            1.15.13 | CLI_TRANSPORT SKILLS
            1.16.0  | CLI_TRANSPORT SKILLS
            1.17.19 | CLI_TRANSPORT
            1.18.33 |
            1.18.34 |
            """)
    void theMeasuredTableSaysWhatEachVersionLacks(String version, String lacking) {
        assertThat(TestedVersions.measured().lackedBy(OpenCodeVersion.parse(version).orElseThrow()).keySet())
                .containsExactly(features(lacking));
    }

    @Test
    void rejectsAnEmptyTableAndBadKeys() {
        assertThatThrownBy(() -> new TestedVersions("2026-12-02", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new TestedVersions("2026-12-02", Map.of("newest", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'newest'");
    }

    private static ServerFeature[] features(String names) {
        if (names == null) {
            return new ServerFeature[0];
        }
        return java.util.Arrays.stream(names.split(" ")).map(ServerFeature::valueOf).toArray(ServerFeature[]::new);
    }
}
