package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {

    private final EventParser parser = new EventParser();

    @Test
    void parsesSessionStatus() {
        OpenCodeEvent event = parser.parse("{\"id\":\"evt_1\",\"type\":\"session.status\",\"properties\":"
                + "{\"sessionID\":\"ses_1\",\"status\":{\"type\":\"retry\",\"attempt\":2,\"message\":\"Rate limit reached\",\"next\":5}}}");

        assertThat(event).isInstanceOfSatisfying(SessionStatusChanged.class, status -> {
            assertThat(status.id()).isEqualTo("evt_1");
            assertThat(status.sessionId()).isEqualTo("ses_1");
            assertThat(status.status()).isEqualTo(new SessionStatus("retry", 2, "Rate limit reached", 5L));
        });
    }

    /** OpenCode 1.1.65 frames (no {@code id}, no {@code properties.sessionID} on these types), from recordings/1.1.65. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            message.part.updated | {"part":{"id":"prt_1","sessionID":"ses_a","messageID":"msg_1","type":"text","text":"Hi"},"delta":"Hi"} | ses_a
            message.updated      | {"info":{"id":"msg_1","sessionID":"ses_b","role":"assistant","time":{"created":1}}}              | ses_b
            session.created      | {"info":{"id":"ses_c","title":"t","version":"1.1.65"}}                                            | ses_c
            session.updated      | {"info":{"id":"ses_d","title":"t","version":"1.1.65"}}                                            | ses_d
            session.idle         | {"sessionID":"ses_e"}                                                                             | ses_e
            """)
    void theSessionOfAnEventWithoutTopLevelSessionIdComesFromItsPartOrInfo(String type, String properties, String session) {
        OpenCodeEvent event = parser.parse("{\"type\":\"" + type + "\",\"properties\":" + properties + "}");

        assertThat(event.sessionId()).isEqualTo(session);
        assertThat(event.id()).isNull();
    }

    @Test
    void aTopLevelSessionIdWins() {
        OpenCodeEvent event = parser.parse("{\"id\":\"evt_3\",\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"ses_top\","
                + "\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_inner\",\"role\":\"assistant\",\"time\":{\"created\":1}}}}");

        assertThat(event.sessionId()).isEqualTo("ses_top");
    }

    @Test
    void unknownTypeIsKeptAsGenericEvent() {
        OpenCodeEvent event = parser.parse("{\"id\":\"evt_2\",\"type\":\"todo.updated\",\"properties\":{\"sessionID\":\"ses_1\",\"todos\":[]}}");

        assertThat(event).isInstanceOf(GenericEvent.class);
        assertThat(event.type()).isEqualTo("todo.updated");
        assertThat(event.sessionId()).isEqualTo("ses_1");
        assertThat(event.properties().has("todos")).isTrue();
    }

    @Test
    void missingPropertiesBecomeAnEmptyObject() {
        OpenCodeEvent event = parser.parse("{\"type\":\"server.heartbeat\"}");

        assertThat(event).isInstanceOf(ServerHeartbeat.class);
        assertThat(event.properties().isObject()).isTrue();
        assertThat(event.sessionId()).isNull();
        assertThat(event.id()).isNull();
    }

    @Test
    void sessionErrorWithoutErrorOrSession() {
        SessionError event = (SessionError) parser.parse("{\"id\":\"e\",\"type\":\"session.error\",\"properties\":{}}");

        assertThat(event.error()).isNull();
        assertThat(event.sessionId()).isNull();
    }

    @Test
    void questionRejected() {
        OpenCodeEvent event = parser.parse("{\"id\":\"e\",\"type\":\"question.rejected\",\"properties\":{\"sessionID\":\"ses_1\",\"requestID\":\"que_1\"}}");

        assertThat(event).isEqualTo(new QuestionRejected("e", "question.rejected", "ses_1", event.properties(), "que_1"));
    }

    @Test
    void malformedJsonIsAProtocolError() {
        assertThatThrownBy(() -> parser.parse("{\"type\":\"session.idle\",")).isInstanceOf(OpenCodeProtocolException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parser.parse("")).isInstanceOf(OpenCodeProtocolException.class);
        assertThatThrownBy(() -> parser.parse("[1,2]")).isInstanceOf(OpenCodeProtocolException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void frameWithoutTypeIsAProtocolError() {
        assertThatThrownBy(() -> parser.parse("{\"id\":\"evt\",\"properties\":{}}"))
                .isInstanceOf(OpenCodeProtocolException.class).hasMessageContaining("no type");
        assertThatThrownBy(() -> parser.parse("{\"type\":42}")).isInstanceOf(OpenCodeProtocolException.class);
    }

    @Test
    void wrongShapeOfKnownTypeIsAProtocolError() {
        assertThatThrownBy(() -> parser.parse("{\"type\":\"message.updated\",\"properties\":{\"info\":\"text\"}}"))
                .isInstanceOf(OpenCodeProtocolException.class).hasMessageContaining("message.updated");
    }

    @Test
    void longGarbageIsCutInTheMessage() {
        String garbage = "x".repeat(5000);

        assertThatThrownBy(() -> parser.parse(garbage)).isInstanceOf(OpenCodeProtocolException.class)
                .satisfies(error -> assertThat(error.getMessage()).hasSizeLessThan(600));
    }

    @Test
    void globalFrames() {
        assertThat(parser.parseGlobal("{\"directory\":\"/d\",\"project\":\"p\",\"payload\":{\"type\":\"sync\",\"syncEvent\":{}}}"))
                .isEmpty();
        assertThat(parser.parseGlobal("{\"payload\":{\"id\":\"e\",\"type\":\"server.connected\",\"properties\":{}}}"))
                .hasValueSatisfying(global -> {
                    assertThat(global.directory()).isNull();
                    assertThat(global.event()).isInstanceOf(ServerConnected.class);
                });
        assertThatThrownBy(() -> parser.parseGlobal("{\"directory\":\"/d\"}")).isInstanceOf(OpenCodeProtocolException.class)
                .hasMessageContaining("payload");
    }
}
