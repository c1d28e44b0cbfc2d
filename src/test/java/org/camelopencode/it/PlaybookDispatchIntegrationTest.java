package org.camelopencode.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.Part;
import org.camelopencode.dispatch.DispatchLimits;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.dispatch.Prompts;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dispatch side of the reliability playbook against the real {@code opencode serve} of
 * {@link SharedOpenCode} and the scripted model: the stricter JSON retry in the same session,
 * schema checks of text replies, and the token cap that aborts a session mid-turn.
 *
 * <p>Rules match on any user message of the conversation (not only the latest), so the stricter
 * follow-up prompt of a test reaches that test's rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaybookDispatchIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final DispatchOptions OPTIONS = new DispatchOptions(Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(5), 4);
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\"}},"
            + "\"required\":[\"answer\"]}";

    private SharedOpenCode openCode;
    private OpenCodeClient client;
    private Dispatcher dispatcher;

    @BeforeAll
    void connect() throws Exception {
        openCode = SharedOpenCode.get();
        client = openCode.newClient();
        dispatcher = new Dispatcher(client, OPTIONS);
    }

    @AfterAll
    void disconnect() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private static RequestMatcher conversationContains(String marker) {
        return request -> request.messagesJson().contains(marker);
    }

    private static DispatchRequest request(String prompt, boolean expectJson, JsonNode schema, DispatchLimits limits) {
        return new DispatchRequest(prompt, SharedOpenCode.MODEL, null, null, "playbook-it", expectJson, schema, TIMEOUT,
                null, null, 1, null, limits);
    }

    private static OpenCodeFailureException failureOf(CompletableFuture<DispatchResult> future) {
        Throwable thrown = catchThrowable(() -> future.get(90, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OpenCodeFailureException.class);
        return (OpenCodeFailureException) thrown.getCause();
    }

    private List<RecordedRequest> modelRequests(String marker) {
        return openCode.model().scriptedRequests().stream().filter(request -> request.messagesJson().contains(marker)).toList();
    }

    /** The user prompts of a session, oldest first (a plain session lists all its messages). */
    private List<String> userPrompts(String sessionId) {
        return client.messages(sessionId, null).stream()
                .filter(message -> "user".equals(message.info().role()))
                .map(PlaybookDispatchIntegrationTest::textOf)
                .toList();
    }

    private static String textOf(MessageWithParts message) {
        return message.parts().stream().filter(part -> "text".equals(part.type())).map(Part::text).reduce("", String::concat);
    }

    @Test
    void proseThenJsonSucceedsOnTheStricterRetryInTheSameSession() throws Exception {
        openCode.model().when(conversationContains("P-PROSE-JSON"))
                .reply(Reply.text("Sure! The answer you are looking for is forty-two."), Reply.json("{\"answer\":42}"));

        DispatchResult result = dispatcher.dispatch(request("P-PROSE-JSON Answer in JSON.", true, null, DispatchLimits.DEFAULTS))
                .get(90, SECONDS);

        assertThat(result.json().get("answer").asInt()).isEqualTo(42);
        List<String> prompts = userPrompts(result.sessionId());
        assertThat(prompts).hasSize(2);
        assertThat(prompts.get(0)).isEqualTo("P-PROSE-JSON Answer in JSON.");
        assertThat(prompts.get(1)).startsWith(Prompts.STRICTER_JSON_PREFIX).contains(Prompts.STRICTER_JSON_INSTRUCTION)
                .contains("forty-two");
        List<RecordedRequest> seen = modelRequests("P-PROSE-JSON");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).latestUserText()).contains(Prompts.STRICTER_JSON_INSTRUCTION);
        assertThat(result.tokens().input()).as("both turns count")
                .isGreaterThan(client.messages(result.sessionId(), 1).get(0).info().tokens().input());
    }

    @Test
    void proseTwiceFailsAsNotJsonAfterOneStricterRetry() {
        openCode.model().when(conversationContains("P-PROSE-TWICE"))
                .reply(Reply.text("Here is some prose."), Reply.text("More prose, no JSON."));

        OpenCodeFailureException failure = failureOf(
                dispatcher.dispatch(request("P-PROSE-TWICE Answer in JSON.", true, null, DispatchLimits.DEFAULTS)));

        assertThat(failure.getKind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(failure.getMessage()).contains("More prose, no JSON.").contains("after 1 stricter JSON retry");
        assertThat(userPrompts(failure.getSessionId())).hasSize(2);
        assertThat(modelRequests("P-PROSE-TWICE")).hasSize(2);
    }

    /**
     * Verified on 1.18.33: a text reply to a {@code format: json_schema} prompt ends with
     * {@code StructuredOutputError "Model did not produce structured output"} and keeps its text part.
     */
    @Test
    void aTextReplyBreakingTheSchemaIsNotJsonWithTheValidatorsReason() throws Exception {
        JsonNode schema = OpenCodeJson.mapper().readTree(SCHEMA);
        openCode.model().when(conversationContains("P-SCHEMA-BROKEN")).reply(Reply.text("{\"answer\":\"forty-two\"}"));

        OpenCodeFailureException failure = failureOf(dispatcher.dispatch(
                request("P-SCHEMA-BROKEN Answer.", false, schema, new DispatchLimits(null, null, 0))));

        assertThat(failure.getKind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(failure.getMessage()).contains("does not match the schema").contains("$.answer: string found, integer expected");
        List<MessageWithParts> latest = client.messages(failure.getSessionId(), 1);
        assertThat(latest.get(0).info().error().name()).isEqualTo("StructuredOutputError");
    }

    @Test
    void aTextReplyBreakingTheSchemaThenAValidOneSucceedsOnTheStricterRetry() throws Exception {
        JsonNode schema = OpenCodeJson.mapper().readTree(SCHEMA);
        openCode.model().when(conversationContains("P-SCHEMA-RETRY"))
                .reply(Reply.text("{\"answer\":\"forty-two\"}"), Reply.text("{\"answer\":42}"));

        DispatchResult result = dispatcher.dispatch(request("P-SCHEMA-RETRY Answer.", false, schema, DispatchLimits.DEFAULTS))
                .get(90, SECONDS);

        assertThat(result.json().get("answer").asInt()).isEqualTo(42);
        List<RecordedRequest> seen = modelRequests("P-SCHEMA-RETRY");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).latestUserText()).contains("$.answer: string found, integer expected")
                .contains(Prompts.STRICTER_JSON_INSTRUCTION).contains("\"required\":[\"answer\"]");
    }

    @Test
    void aTaskOverItsTokenCapIsAbortedAsBudgetExceeded() {
        // Step 1 calls a tool that needs no permission; step 2 would hang: only the abort ends the turn.
        openCode.model().when(conversationContains("P-BUDGET"))
                .reply(Reply.toolCall("glob", "{\"pattern\":\"*.md\"}"), Reply.hang());

        OpenCodeFailureException failure = failureOf(
                dispatcher.dispatch(request("P-BUDGET Look around.", false, null, new DispatchLimits(100L, null, 1))));

        assertThat(failure.getKind()).isEqualTo(FailureKind.BUDGET_EXCEEDED);
        assertThat(failure.getMessage()).contains("over the cap maxTokens=100").contains("aborted");
        assertThat(failure.getTokens().total()).isGreaterThan(100);
        String sessionId = failure.getSessionId();
        await().atMost(Duration.ofSeconds(20)).until(() -> !client.sessionStatuses().containsKey(sessionId));
        assertThat(modelRequests("P-BUDGET")).hasSizeLessThanOrEqualTo(2);
    }
}
