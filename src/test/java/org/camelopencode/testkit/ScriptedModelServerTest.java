package org.camelopencode.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ScriptedModelServerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private ScriptedModelServer server;

    @BeforeEach
    void startServer() {
        server = ScriptedModelServer.start();
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    @Test
    void baseUriIsLoopbackV1() {
        assertThat(server.baseUri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
        assertThat(server.port()).isPositive();
    }

    @Test
    void streamsTextAsChunksEndingWithUsageAndDone() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.text("hello scripted world"));

        HttpResponse<String> response = post(request("say hi", true, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> frames = frames(response.body());
        assertThat(frames).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = jsonFrames(frames);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(contentOf(chunks)).isEqualTo("hello scripted world");
        assertThat(chunks.stream().filter(chunk -> chunk.path("choices").size() == 1
                && chunk.path("choices").get(0).path("delta").has("content")).count()).isGreaterThan(2);
        assertThat(finishReason(chunks)).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isPositive();
        assertThat(usage.path("completion_tokens").asInt()).isPositive();
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
        assertThat(chunks.get(chunks.size() - 1).path("choices").size()).isZero();
    }

    @Test
    void answersNonStreamingRequestsWithOneJsonCompletion() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.json("{\"a\":1}"));

        HttpResponse<String> response = post(request("give json", false, true));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("{\"a\":1}");
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
    }

    @Test
    void fencedJsonWrapsTheJsonInOneFence() throws Exception {
        server.when(RequestMatcher.promptContains("bare")).reply(Reply.fencedJson("{\"b\":2}"));
        server.when(RequestMatcher.any()).reply(Reply.fencedJson("{\"b\":2}", "Here it is:", "Done."));

        assertThat(contentOf(jsonFrames(frames(post(request("bare", true, true)).body()))))
                .isEqualTo("```json\n{\"b\":2}\n```");
        assertThat(contentOf(jsonFrames(frames(post(request("prose", true, true)).body()))))
                .isEqualTo("Here it is:\n\n```json\n{\"b\":2}\n```\n\nDone.");
    }

    @Test
    void emptyReplyHasNoContentAndFinishesWithStop() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.empty());

        List<JsonNode> chunks = jsonFrames(frames(post(request("x", true, true)).body()));

        assertThat(contentOf(chunks)).isEmpty();
        assertThat(finishReason(chunks)).isEqualTo("stop");
    }

    @Test
    void finishLengthSendsLengthFinishReason() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.finishLength("cut off"));

        List<JsonNode> chunks = jsonFrames(frames(post(request("x", true, true)).body()));

        assertThat(contentOf(chunks)).isEqualTo("cut off");
        assertThat(finishReason(chunks)).isEqualTo("length");
    }

    @Test
    void toolCallStreamsNameThenArgumentsAndFinishesWithToolCalls() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.toolCall("bash", "{\"command\":\"ls\"}"));

        List<JsonNode> chunks = jsonFrames(frames(post(request("run", true, true)).body()));

        List<JsonNode> toolDeltas = new ArrayList<>();
        chunks.forEach(chunk -> chunk.path("choices").forEach(choice -> choice.path("delta").path("tool_calls").forEach(toolDeltas::add)));
        assertThat(toolDeltas).hasSize(2);
        assertThat(toolDeltas.get(0).path("index").asInt()).isZero();
        assertThat(toolDeltas.get(0).path("id").asText()).startsWith("call_");
        assertThat(toolDeltas.get(0).path("type").asText()).isEqualTo("function");
        assertThat(toolDeltas.get(0).path("function").path("name").asText()).isEqualTo("bash");
        String arguments = toolDeltas.get(0).path("function").path("arguments").asText()
                + toolDeltas.get(1).path("function").path("arguments").asText();
        assertThat(arguments).isEqualTo("{\"command\":\"ls\"}");
        assertThat(finishReason(chunks)).isEqualTo("tool_calls");
    }

    @Test
    void nonStreamingToolCallCarriesToolCallsInTheMessage() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.toolCall("read", "{\"filePath\":\"a\"}"));

        JsonNode choice = MAPPER.readTree(post(request("read", false, true)).body()).path("choices").get(0);

        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("read");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"filePath\":\"a\"}");
    }

    @Test
    void httpErrorSendsStatusHeadersAndBody() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.httpError(418, Map.of("x-teapot", "yes"), "short and stout"));

        HttpResponse<String> response = post(request("x", true, true));

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.headers().firstValue("x-teapot")).hasValue("yes");
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).isEqualTo("short and stout");
    }

    @Test
    void cannedErrorsHaveTheirStatusHeadersAndOpenAiBodies() throws Exception {
        server.when(RequestMatcher.promptContains("401")).reply(Reply.unauthorized());
        server.when(RequestMatcher.promptContains("429")).reply(Reply.rateLimited(Duration.ofMillis(1500)));
        server.when(RequestMatcher.promptContains("503")).reply(Reply.unavailable());
        server.when(RequestMatcher.promptContains("529")).reply(Reply.overloaded());
        server.when(RequestMatcher.promptContains("400")).reply(Reply.contextOverflow());

        assertThat(post(request("401", true, true)).statusCode()).isEqualTo(401);
        HttpResponse<String> rateLimited = post(request("429", true, true));
        assertThat(rateLimited.statusCode()).isEqualTo(429);
        assertThat(rateLimited.headers().firstValue("retry-after")).hasValue("2");
        assertThat(rateLimited.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(MAPPER.readTree(rateLimited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(post(request("503", true, true)).statusCode()).isEqualTo(503);
        assertThat(post(request("529", true, true)).statusCode()).isEqualTo(529);
        HttpResponse<String> overflow = post(request("400", true, true));
        assertThat(overflow.statusCode()).isEqualTo(400);
        assertThat(overflow.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = MAPPER.readTree(overflow.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).startsWith("This model's maximum context length is");
    }

    @Test
    void slowReplyPacesEveryFrame() throws Exception {
        Duration perChunk = Duration.ofMillis(60);
        server.when(RequestMatcher.any()).reply(Reply.slow(Reply.text("one two three"), perChunk));

        long started = System.nanoTime();
        List<String> frames = frames(post(request("x", true, true)).body());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        int pacedFrames = frames.size() - 1; // [DONE] follows the last paced frame at once
        assertThat(contentOf(jsonFrames(frames))).isEqualTo("one two three");
        assertThat(elapsed).isGreaterThanOrEqualTo(perChunk.multipliedBy(pacedFrames));
    }

    @Test
    void hangNeverAnswersAndIsReleasedOnClose() {
        server.when(RequestMatcher.any()).reply(Reply.hang());
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve("/v1/chat/completions"))
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(request("x", true, true))).build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.activeRequests() == 1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        await().atMost(Duration.ofSeconds(5)).until(closing::isDone);
        assertThat(server.activeRequests()).isZero();
    }

    @Test
    void repliesOfARuleAreConsumedInOrderAndTheLastRepeats() throws Exception {
        server.when(RequestMatcher.promptContains("T-SEQ")).reply(Reply.text("first"), Reply.text("second"));

        assertThat(streamedText("T-SEQ 1")).isEqualTo("first");
        assertThat(streamedText("T-SEQ 2")).isEqualTo("second");
        assertThat(streamedText("T-SEQ 3")).isEqualTo("second");
    }

    @Test
    void firstMatchingRuleWinsAndMatchersCombine() throws Exception {
        server.when(RequestMatcher.model("fallback").and(RequestMatcher.promptContains("T-A"))).reply(Reply.text("fallback A"));
        server.when(RequestMatcher.promptContains("T-A")).reply(Reply.text("primary A"));
        server.when(RequestMatcher.promptContains("T-A")).reply(Reply.text("never"));

        assertThat(streamedText("T-A")).isEqualTo("primary A");
        ObjectNode fallbackRequest = (ObjectNode) MAPPER.readTree(request("T-A", true, true));
        fallbackRequest.put("model", "fallback");
        assertThat(contentOf(jsonFrames(frames(post(fallbackRequest.toString()).body())))).isEqualTo("fallback A");
    }

    @Test
    void titleCallsAreAnsweredAutomaticallyWithoutConsumingReplies() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.text("scripted"), Reply.text("second"));
        ObjectNode title = MAPPER.createObjectNode().put("model", "echo").put("stream", true);
        title.putArray("messages")
                .add(MAPPER.createObjectNode().put("role", "system").put("content", "You are a title generator. You output ONLY a thread title."))
                .add(MAPPER.createObjectNode().put("role", "user").put("content", "Generate a title for this conversation:\n"))
                .add(MAPPER.createObjectNode().put("role", "user").put("content", "Fix the flaky build\nplease"));

        assertThat(contentOf(jsonFrames(frames(post(title.toString()).body())))).isEqualTo("Fix the flaky build");
        assertThat(streamedText("work")).isEqualTo("scripted");
        assertThat(server.requests()).extracting(RecordedRequest::titleRequest).containsExactly(true, false);
        assertThat(server.scriptedRequests()).hasSize(1);
    }

    @Test
    void requestWithoutToolsButNoTitlePromptIsScripted() throws Exception {
        server.when(RequestMatcher.any()).reply(Reply.text("scripted"));

        assertThat(contentOf(jsonFrames(frames(post(request("no tools here", true, false)).body())))).isEqualTo("scripted");
        assertThat(server.requests().get(0).titleRequest()).isFalse();
        assertThat(server.requests().get(0).toolsPresent()).isFalse();
    }

    @Test
    void offlineDemoReplyEchoesTheFirstLineOrAnswersJson() throws Exception {
        assertThat(streamedText("Summarise the report\nwith details")).isEqualTo("[offline demo reply] Summarise the report");
        String longLine = "Return JSON about " + "x".repeat(100);
        JsonNode json = MAPPER.readTree(streamedText(longLine + "\nmore"));
        assertThat(json.path("summary").asText()).isEqualTo(longLine.substring(0, 80));
        assertThat(json.path("offline").asBoolean()).isTrue();
    }

    @Test
    void defaultReplyReplacesTheDemoUntilReset() throws Exception {
        server.defaultReply(Reply.text("custom default"));
        server.when(RequestMatcher.promptContains("ruled")).reply(Reply.text("ruled"));
        assertThat(streamedText("anything")).isEqualTo("custom default");

        server.reset();

        assertThat(server.requests()).isEmpty();
        assertThat(streamedText("ruled")).isEqualTo("[offline demo reply] ruled");
    }

    @Test
    void recordsModelMessagesToolsAndLastRole() throws Exception {
        ObjectNode body = MAPPER.createObjectNode().put("model", "echo").put("stream", true);
        body.putArray("tools").addObject().put("type", "function");
        body.putArray("messages")
                .add(MAPPER.createObjectNode().put("role", "system").put("content", "be brief"))
                .add(MAPPER.readTree("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"text\",\"text\":\"part two\"}]}"))
                .add(MAPPER.createObjectNode().put("role", "tool").put("content", "tool output"));

        post(body.toString());

        RecordedRequest recorded = server.requests().get(0);
        assertThat(recorded.model()).isEqualTo("echo");
        assertThat(recorded.stream()).isTrue();
        assertThat(recorded.toolsPresent()).isTrue();
        assertThat(recorded.latestUserText()).isEqualTo("part one\npart two");
        assertThat(recorded.lastMessageRole()).isEqualTo("tool");
        assertThat(recorded.systemPrompt()).isEqualTo("be brief");
        assertThat(MAPPER.readTree(recorded.messagesJson()).size()).isEqualTo(3);
    }

    @Test
    void malformedBodiesGet400AndUnknownPaths404() throws Exception {
        assertThat(post("{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> noMessages = post("{\"model\":\"m\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(noMessages.body()).path("error").path("message").asText()).contains("messages");
        HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/nothing")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void listsModelsSeenInRequests() throws Exception {
        post(request("x", true, true));

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).path("data").findValuesAsText("id")).contains("echo", "scripted");
    }

    @Test
    void closeIsIdempotent() {
        server.close();
        server.close();
        assertThatThrownBy(() -> post(request("x", true, true))).isInstanceOf(IOException.class);
    }

    private String streamedText(String prompt) throws Exception {
        return contentOf(jsonFrames(frames(post(request(prompt, true, true)).body())));
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String request(String prompt, boolean stream, boolean withTools) {
        ObjectNode body = MAPPER.createObjectNode().put("model", "echo").put("stream", stream);
        body.putArray("messages")
                .add(MAPPER.createObjectNode().put("role", "system").put("content", "You are opencode"))
                .add(MAPPER.createObjectNode().put("role", "user").put("content", prompt));
        if (withTools) {
            body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "bash");
        }
        return body.toString();
    }

    private static List<String> frames(String body) {
        List<String> frames = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            assertThat(frame).startsWith("data: ");
            frames.add(frame.substring("data: ".length()));
        }
        return frames;
    }

    private static List<JsonNode> jsonFrames(List<String> frames) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (String frame : frames) {
            if (!frame.equals("[DONE]")) {
                chunks.add(MAPPER.readTree(frame));
            }
        }
        return chunks;
    }

    private static String contentOf(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.path("choices").forEach(choice -> text.append(choice.path("delta").path("content").asText(""))));
        return text.toString();
    }

    private static String finishReason(List<JsonNode> chunks) {
        return chunks.stream().flatMap(chunk -> {
            List<String> reasons = new ArrayList<>();
            chunk.path("choices").forEach(choice -> {
                if (!choice.path("finish_reason").isNull()) {
                    reasons.add(choice.path("finish_reason").asText());
                }
            });
            return reasons.stream();
        }).reduce((first, second) -> second).orElse(null);
    }
}
