package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.camelopencode.client.EventParser;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SseFrameReader;
import org.junit.jupiter.api.Test;

class EventTranscriptTest {

    private final EventParser parser = new EventParser();

    @Test
    void aRecordedTurnWithAToolCallReadsLikeTheServersMessages() throws IOException {
        EventTranscript transcript = EventTranscript.EMPTY;
        String session = null;
        try (InputStream input = getClass().getResourceAsStream("/recordings/event-agent-read-tool.sse");
                SseFrameReader reader = new SseFrameReader(input)) {
            for (String frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
                OpenCodeEvent event = parser.parse(frame);
                if (event.sessionId() != null) {
                    session = session == null ? event.sessionId() : session;
                    if (session.equals(event.sessionId())) {
                        transcript = transcript.accept(event);
                    }
                }
            }
        }
        List<MessageWithParts> messages = transcript.messages().orElseThrow();

        // user, assistant (tool call step), assistant (final text step); only text parts are kept
        assertThat(messages).extracting(message -> message.info().role()).containsExactly("user", "assistant", "assistant");
        assertThat(messages.get(1).parts()).isEmpty();
        GateVerdict verdict = CompletionGate.judge(DispatchRequest.of("x", Duration.ofMinutes(1)), session, false, messages);
        assertThat(verdict).isInstanceOf(GateVerdict.Completed.class);
        DispatchResult result = ((GateVerdict.Completed) verdict).result();
        assertThat(result.text()).isEqualTo("The fixture says: alpha beta gamma.");
        assertThat(result.finish()).isEqualTo("stop");
        assertThat(result.tokens().input()).isPositive();
    }

    @Test
    void deltasGrowAKnownTextPartAndTheFinalUpdateReplacesIt() {
        EventTranscript transcript = EventTranscript.EMPTY;
        transcript = transcript.accept(parser.parse(message()));
        transcript = transcript.accept(parser.parse(part("")));
        transcript = transcript.accept(parser.parse(delta("Hel")));
        transcript = transcript.accept(parser.parse(delta("lo")));
        assertThat(text(transcript)).isEqualTo("Hello");

        transcript = transcript.accept(parser.parse(part("Hello, world")));
        assertThat(text(transcript)).isEqualTo("Hello, world");
    }

    @Test
    void aDroppedStreamMakesTheTranscriptUnusable() {
        EventTranscript transcript = EventTranscript.EMPTY;
        transcript = transcript.accept(parser.parse(part("partial")));
        transcript = transcript.missedEvents();
        transcript = transcript.accept(parser.parse(part("after the drop")));

        assertThat(transcript.messages()).isEmpty();
    }

    @Test
    void acceptingAnEventLeavesTheTranscriptBeforeItAsItWas() {
        EventTranscript before = EventTranscript.EMPTY.accept(parser.parse(message())).accept(parser.parse(part("Hel")));
        EventTranscript after = before.accept(parser.parse(delta("lo")));

        assertThat(text(before)).isEqualTo("Hel");
        assertThat(text(after)).isEqualTo("Hello");
        assertThat(EventTranscript.EMPTY.messages().orElseThrow()).isEmpty();
        assertThat(before.accept(parser.parse(delta("ignored").replace("prt_1", "prt_unknown")))).isSameAs(before);
    }

    private static String text(EventTranscript transcript) {
        return transcript.messages().orElseThrow().get(0).parts().get(0).text();
    }

    private static String message() {
        return "{\"id\":\"evt_0\",\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"ses_1\",\"info\":{\"id\":\"msg_1\","
                + "\"sessionID\":\"ses_1\",\"role\":\"assistant\",\"time\":{\"created\":1}}}}";
    }

    private static String part(String text) {
        return "{\"id\":\"evt_1\",\"type\":\"message.part.updated\",\"properties\":{\"sessionID\":\"ses_1\",\"part\":{\"id\":\"prt_1\","
                + "\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"" + text + "\"}}}";
    }

    private static String delta(String text) {
        return "{\"id\":\"evt_2\",\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_1\",\"messageID\":\"msg_1\","
                + "\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"" + text + "\"}}";
    }
}
