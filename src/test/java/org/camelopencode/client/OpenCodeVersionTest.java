package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenCodeVersionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.18.33         | 1 | 18 | 33 |        | 1.18.33
            v1.3.2          | 1 | 3  | 2  |        | 1.3.2
            ' 1.1.65 '      | 1 | 1  | 65 |        | 1.1.65
            1.14            | 1 | 14 | 0  |        | 1.14.0
            2.0.0-beta.3    | 2 | 0  | 0  | beta.3 | 2.0.0-beta.3
            1.18.34+abc1234 | 1 | 18 | 34 |        | 1.18.34
            """)
    void parsesTheFormsOpenCodeReports(String text, int major, int minor, int patch, String preRelease, String printed) {
        OpenCodeVersion version = OpenCodeVersion.parse(text).orElseThrow();

        assertThat(version).isEqualTo(new OpenCodeVersion(major, minor, patch, preRelease == null ? "" : preRelease));
        assertThat(version).hasToString(printed);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"dev", "local", "1", "1.x.3", "1.18.33.4", "1.18.33 beta", "latest"})
    void anythingElseIsUnparsable(String text) {
        assertThat(OpenCodeVersion.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.1.65       | 1.3.2
            1.3.2        | 1.14.48
            1.9.9        | 1.10.0
            1.18.33      | 1.18.34
            2.0.0-beta.1 | 2.0.0-beta.2
            2.0.0-beta.9 | 2.0.0
            1.18.34      | 2.0.0-beta.1
            """)
    void ordersNumericallyWithPreReleasesFirst(String older, String newer) {
        OpenCodeVersion left = OpenCodeVersion.parse(older).orElseThrow();
        OpenCodeVersion right = OpenCodeVersion.parse(newer).orElseThrow();

        assertThat(left.isOlderThan(right)).isTrue();
        assertThat(right.isOlderThan(left)).isFalse();
        assertThat(left).isLessThan(right);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.14", "1.14.0", "v1.14.0"})
    void equalVersionsAreNotOlder(String text) {
        OpenCodeVersion version = OpenCodeVersion.parse(text).orElseThrow();

        assertThat(version.isOlderThan(OpenCodeVersion.parse("1.14.0").orElseThrow())).isFalse();
        assertThat(version).isEqualByComparingTo(new OpenCodeVersion(1, 14, 0, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "newest", "1"})
    void requireNamesTheSettingAndTheBadValue(String text) {
        assertThatThrownBy(() -> OpenCodeVersion.require(text, "opencode.server.min-version"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("opencode.server.min-version '" + text + "' is not an OpenCode version such as 1.14.0");
    }
}
