package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.camelopencode.task.Durations.BareNumber;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} ({1}) = {2} ms")
    @CsvSource(delimiter = '|', value = {
            "PT30S      | SECONDS      | 30000",
            "pt1h       | SECONDS      | 3600000",
            "P1DT1S     | SECONDS      | 86401000",
            "PT0.5S     | SECONDS      | 500",
            "30s        | SECONDS      | 30000",
            "1m30s      | SECONDS      | 90000",
            "2h         | SECONDS      | 7200000",
            "1d         | SECONDS      | 86400000",
            "1h1m1s     | SECONDS      | 3661000",
            "500ms      | SECONDS      | 500",
            "1m500ms    | SECONDS      | 60500",
            "30         | SECONDS      | 30000",
            "' 45 '     | SECONDS      | 45000",
            "+5         | SECONDS      | 5000",
            "0          | SECONDS      | 0",
            "30         | MILLISECONDS | 30",
            "5s         | MILLISECONDS | 5000",
            "PT1M       | MILLISECONDS | 60000"})
    void readsIsoCamelAndBareNumbers(String text, BareNumber bareNumber, long millis) {
        assertThat(Durations.parse(text, "timeout", bareNumber)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
            "''                    | SECONDS      | timeout is empty; write an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds",
            "5 minutes             | SECONDS      | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got '5 minutes'",
            "5x                    | SECONDS      | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got '5x'",
            "1.5                   | MILLISECONDS | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or milliseconds, got '1.5'",
            "s30                   | SECONDS      | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got 's30'",
            "30s1m                 | SECONDS      | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got '30s1m'",
            "PT5                   | SECONDS      | timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s, or whole seconds, got 'PT5'",
            "-1                    | SECONDS      | timeout must not be negative, got '-1'",
            "-PT5S                 | SECONDS      | timeout must not be negative, got '-PT5S'",
            "99999999999999999999  | SECONDS      | timeout is too large: 99999999999999999999 seconds",
            "9999999999999999      | SECONDS      | timeout is too large: 9999999999999999 seconds",
            "99999999999999999999s | SECONDS      | timeout is too large: 99999999999999999999s",
            "999999999999999d      | SECONDS      | timeout is too large: 999999999999999d"})
    void namesTheSettingTheTextAndTheFormsWhenMalformed(String text, BareNumber bareNumber, String message) {
        assertThatThrownBy(() -> Durations.parse(text, "timeout", bareNumber))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "-1", "PT0S", "-PT5S", "0s"})
    void positiveRejectsZeroAndNegative(String text) {
        assertThatThrownBy(() -> Durations.parsePositive(text, "timeout", BareNumber.SECONDS))
                .hasMessage("timeout must be positive, got '" + text + "'");
        assertThat(Durations.parsePositive("1", "timeout", BareNumber.SECONDS)).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT0S", "-PT1S"})
    void requirePositiveChecksATypedDuration(String text) {
        assertThatThrownBy(() -> Durations.requirePositive(Duration.parse(text), "pollInterval"))
                .hasMessage("pollInterval must be positive, got '" + Duration.parse(text) + "'");
        assertThat(Durations.requirePositive(Duration.ofSeconds(2), "pollInterval")).isEqualTo(Duration.ofSeconds(2));
    }
}
