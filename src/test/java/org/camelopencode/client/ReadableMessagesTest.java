package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OpenCodeClient#readableMessages}: OpenCode 1.18.33's 400 for lists holding a json_schema prompt. */
class ReadableMessagesTest {

    private static final String PATH = "/session/ses_1/message";
    private static final String SCHEMA_REFUSED = "{\"name\":\"BadRequest\",\"data\":{\"message\":\"Expected OutputFormatJsonSchema\"}}";

    private StubServer stub;
    private OpenCodeClient client;

    @BeforeEach
    void setUp() throws Exception {
        stub = new StubServer();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        client.close();
        stub.close();
    }

    private static String list(String... ids) {
        return "[" + String.join(",", IntStream.range(0, ids.length)
                .mapToObj(index -> "{\"info\":{\"id\":\"" + ids[index] + "\",\"role\":\"assistant\"},\"parts\":[]}").toList()) + "]";
    }

    private List<String> paths() {
        return stub.requests().stream().map(StubServer.Recorded::path).toList();
    }

    private static List<String> ids(List<MessageWithParts> messages) {
        return messages.stream().map(message -> message.info().id()).toList();
    }

    @Test
    void aListTheServerShowsIsReadOnce() {
        stub.answer("GET", PATH, 200, list("msg_1", "msg_2"));

        assertThat(ids(client.readableMessages("ses_1", true))).containsExactly("msg_1", "msg_2");
        assertThat(paths()).containsExactly(PATH);
    }

    @Test
    void aRefusedListIsReadNewestFirstUntilTheServerRefusesAgain() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED)
                .answer("GET", PATH + "?limit=1", 200, list("msg_3"))
                .answer("GET", PATH + "?limit=2", 200, list("msg_2", "msg_3"))
                .answer("GET", PATH + "?limit=3", 400, SCHEMA_REFUSED);

        assertThat(ids(client.readableMessages("ses_1", true))).containsExactly("msg_2", "msg_3");
        assertThat(paths()).containsExactly(PATH, PATH + "?limit=1", PATH + "?limit=2", PATH + "?limit=3");
    }

    @Test
    void aShorterAnswerThanTheLimitEndsTheReading() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED)
                .answer("GET", PATH + "?limit=1", 200, list("msg_2"))
                .answer("GET", PATH + "?limit=2", 200, list("msg_2"));

        assertThat(ids(client.readableMessages("ses_1", true))).containsExactly("msg_2");
        assertThat(paths()).containsExactly(PATH, PATH + "?limit=1", PATH + "?limit=2");
    }

    @Test
    void theSchemaPromptAsTheNewestMessageLeavesNothingToRead() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED).answer("GET", PATH + "?limit=1", 400, SCHEMA_REFUSED);

        assertThat(client.readableMessages("ses_1", true)).isEmpty();
    }

    @Test
    void readingStopsAtTheLimit() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED);
        for (int limit = 1; limit <= StructuredOutputMessages.MAX_NEWEST + 1; limit++) {
            stub.answer("GET", PATH + "?limit=" + limit, 200,
                    list(IntStream.rangeClosed(1, limit).mapToObj(index -> "msg_" + index).toArray(String[]::new)));
        }

        assertThat(client.readableMessages("ses_1", true)).hasSize(StructuredOutputMessages.MAX_NEWEST);
        assertThat(paths()).hasSize(1 + StructuredOutputMessages.MAX_NEWEST);
    }

    @Test
    void otherRefusalsAndSessionsWithoutSchemaPromptsAreNotWorkedAround() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED).answer("GET", "/session/ses_2/message", 404,
                "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no session\"}}");

        assertThat(catchThrowableOfType(() -> client.readableMessages("ses_1", false), OpenCodeApiException.class).statusCode())
                .isEqualTo(400);
        assertThat(catchThrowableOfType(() -> client.readableMessages("ses_2", true), OpenCodeApiException.class).statusCode())
                .isEqualTo(404);
        assertThat(paths()).containsExactly(PATH, "/session/ses_2/message");
    }

    @Test
    void aServerErrorWhileReadingTheNewestIsThrown() {
        stub.answer("GET", PATH, 400, SCHEMA_REFUSED)
                .answer("GET", PATH + "?limit=1", 200, list("msg_2"))
                .answer("GET", PATH + "?limit=2", 500, "{\"name\":\"UnknownError\",\"data\":{\"message\":\"boom\"}}");

        assertThat(catchThrowableOfType(() -> client.readableMessages("ses_1", true), OpenCodeApiException.class).statusCode())
                .isEqualTo(500);
    }
}
