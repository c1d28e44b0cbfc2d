package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.List;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whether a re-attached session holds nothing of the run's turn (its prompt never reached the server, so the run sends
 * it): {@link RunMode#nothingOfTheTurn}, from the session's message ids and the recorded message a continued session
 * is judged after.
 */
class RunModeTest {

    @ParameterizedTest(name = "messages [{0}], judged after {1} -> nothing of the turn: {2}")
    @CsvSource(nullValues = "-", value = {
        // a new session: only an empty one holds nothing of the turn
        "'',                      -,      true",
        "'u1',                    -,      false",
        "'u1 a1',                 -,      false",
        // a continued session: nothing after the recorded message
        "'u1 a1',                 a1,     true",
        "'u1 a1 u2',              a1,     false",
        "'u1 a1 u2 a2',           a1,     false",
        // the recorded message is not the newest, or not there: something else came after it
        "'u1 a1 u2 a2',           u1,     false",
        "'u1 a1',                 gone,   false",
        "'',                      a1,     false",
    })
    void aReattachedRunPromptsOnlyWhenNoMessageOfItsTurnIsThere(String ids, String judgedAfter, boolean nothing) throws Exception {
        assertThat(RunMode.nothingOfTheTurn(messages(ids), judgedAfter == null ? null : "msg_" + judgedAfter)).isEqualTo(nothing);
    }

    /** @param ids space-separated message ids, oldest first; "u..." are user messages, the others assistant ones */
    private static List<MessageWithParts> messages(String ids) throws Exception {
        List<String> json = new ArrayList<>();
        for (String id : ids.isBlank() ? new String[0] : ids.trim().split("\\s+")) {
            json.add(id.startsWith("u") ? OpenCodeApiStub.userMessage("ses_1", "msg_" + id, "do it")
                    : OpenCodeApiStub.assistantMessage("ses_1", "msg_" + id, "reply", null));
        }
        return OpenCodeJson.mapper().readValue("[" + String.join(",", json) + "]", new TypeReference<List<MessageWithParts>>() { });
    }
}
