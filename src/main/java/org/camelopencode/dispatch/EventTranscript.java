package org.camelopencode.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camelopencode.client.MessageInfo;
import org.camelopencode.client.MessagePartDelta;
import org.camelopencode.client.MessagePartUpdated;
import org.camelopencode.client.MessageUpdated;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.Part;

/**
 * A session's messages as its own events describe them: {@code message.updated} (the header: role, time, tokens, cost,
 * error, structured output), {@code message.part.updated} and {@code message.part.delta} (text parts only: the gate
 * reads nothing else, and tool parts can be large). What {@code GET /session/{id}/message} would answer, without the
 * round trip, for a session watched from before its first prompt; once an event may have been missed (the stream
 * dropped) it answers nothing and the caller reads the server.
 *
 * <p>Immutable: {@link #accept} returns the transcript with the event applied (the maps are copied, never changed
 * after construction), so it can sit in a {@link GateSnapshot} that is replaced atomically.
 */
final class EventTranscript {

    /** No event yet. */
    static final EventTranscript EMPTY = new EventTranscript(new LinkedHashMap<>(), new LinkedHashMap<>(), false);

    private final Map<String, MessageInfo> infos;
    private final Map<String, Map<String, Part>> textParts;
    private final boolean missedEvents;

    private EventTranscript(Map<String, MessageInfo> infos, Map<String, Map<String, Part>> textParts, boolean missedEvents) {
        this.infos = infos;
        this.textParts = textParts;
        this.missedEvents = missedEvents;
    }

    /**
     * @param event an event of the session (others are ignored)
     * @return the transcript with the event applied; this one when the event changes nothing or events were missed
     */
    EventTranscript accept(OpenCodeEvent event) {
        if (missedEvents) {
            return this;
        }
        if (event instanceof MessageUpdated updated && updated.info() != null && updated.info().id() != null) {
            Map<String, MessageInfo> nextInfos = new LinkedHashMap<>(infos);
            nextInfos.put(updated.info().id(), updated.info());
            return new EventTranscript(nextInfos, textParts, false);
        }
        if (event instanceof MessagePartUpdated updated && updated.part() != null && updated.part().isText()
                && updated.part().messageId() != null && updated.part().id() != null) {
            return withPart(updated.part());
        }
        if (event instanceof MessagePartDelta delta && "text".equals(delta.field()) && delta.delta() != null) {
            Map<String, Part> parts = textParts.get(delta.messageId());
            Part part = parts == null ? null : parts.get(delta.partId());
            if (part != null) { // a delta before its part's first update cannot be placed; the final update repairs it
                return withPart(new Part(part.id(), part.type(), part.messageId(), part.sessionId(),
                        (part.text() == null ? "" : part.text()) + delta.delta(), part.synthetic(), part.ignored(), null, null,
                        null, null, null));
            }
        }
        return this;
    }

    private EventTranscript withPart(Part part) {
        Map<String, Map<String, Part>> nextParts = new LinkedHashMap<>(textParts);
        Map<String, Part> ofMessage = new LinkedHashMap<>(textParts.getOrDefault(part.messageId(), Map.of()));
        ofMessage.put(part.id(), part);
        nextParts.put(part.messageId(), ofMessage);
        return new EventTranscript(infos, nextParts, false);
    }

    /** @return the transcript after the event stream dropped: events of the session may be missing from now on */
    EventTranscript missedEvents() {
        return missedEvents ? this : new EventTranscript(Map.of(), Map.of(), true);
    }

    /** @return the messages, oldest first, each with its text parts; empty when events may have been missed */
    Optional<List<MessageWithParts>> messages() {
        if (missedEvents) {
            return Optional.empty();
        }
        List<MessageWithParts> messages = new ArrayList<>(infos.size());
        infos.forEach((id, info) -> messages.add(new MessageWithParts(info,
                List.copyOf(textParts.getOrDefault(id, Map.of()).values()))));
        return Optional.of(messages);
    }
}
