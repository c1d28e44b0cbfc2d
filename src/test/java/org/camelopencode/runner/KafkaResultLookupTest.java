package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which record on a results topic is the result a stopped runner already wrote: same key, and the session its ledger
 * entry recorded in the record's {@code sessionId}. The look-up against a real broker is in
 * {@code KafkaTriggerIntegrationTest}.
 */
class KafkaResultLookupTest {

    @ParameterizedTest(name = "[{index}] key {0}, value {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
        task-1 | {"status": "completed", "task": "task-1", "sessionId": "ses_a"} | true
        task-1 | {"status":"completed","sessionId":"ses_a","text":"done"}         | true
        task-1 | {"status": "completed", "task": "task-1", "sessionId": "ses_b"} | false
        task-2 | {"status": "completed", "task": "task-1", "sessionId": "ses_a"} | false
        null   | {"status": "completed", "task": "task-1", "sessionId": "ses_a"} | false
        task-1 | null                                                            | false
        task-1 | not json at all                                                 | false
        task-1 | {"status": "completed", "task": "task-1"}                       | false
        task-1 | {"status": "completed", "sessionId": null}                      | false
        task-1 | ["ses_a"]                                                       | false
        task-1 | "ses_a"                                                         | false
        """)
    void aRecordIsTheTasksResultWhenItsKeyAndSessionMatch(String key, String value, boolean match) {
        assertThat(KafkaResultLookup.isResultOf(key, value, "task-1", "ses_a")).isEqualTo(match);
    }
}
