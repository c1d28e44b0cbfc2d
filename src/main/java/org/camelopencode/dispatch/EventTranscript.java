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
 * dropped) it answers nothing and the caller reads the server. Thread-safe: fed by the event reader, read by workers.
 */
final class EventTranscript {

    private final Map<String, MessageInfo> infos = new LinkedHashMap<>();
    private final Map<String, Map<String, Part>> textParts = new LinkedHashMap<>();
    private boolean missedEvents;

    /** @param event an event of the session (others are ignored) */
    synchronized void accept(OpenCodeEvent event) {
        if (event instanceof MessageUpdated updated && updated.info() != null && updated.info().id() != null) {
            infos.put(updated.info().id(), updated.info());
        } else if (event instanceof MessagePartUpdated updated && updated.part() != null && updated.part().isText()
                && updated.part().messageId() != null && updated.part().id() != null) {
            textParts.computeIfAbsent(updated.part().messageId(), id -> new LinkedHashMap<>()).put(updated.part().id(), updated.part());
        } else if (event instanceof MessagePartDelta delta && "text".equals(delta.field()) && delta.delta() != null) {
            Map<String, Part> parts = textParts.get(delta.messageId());
            Part part = parts == null ? null : parts.get(delta.partId());
            if (part != null) { // a delta before its part's first update cannot be placed; the final update repairs it
                parts.put(part.id(), new Part(part.id(), part.type(), part.messageId(), part.sessionId(),
                        (part.text() == null ? "" : part.text()) + delta.delta(), part.synthetic(), part.ignored(), null, null,
                        null, null, null));
            }
        }
    }

    /** The event stream dropped: events of the session may be missing from now on. */
    synchronized void missedEvents() {
        missedEvents = true;
    }

    /** @return the messages, oldest first, each with its text parts; empty when events may have been missed */
    synchronized Optional<List<MessageWithParts>> messages() {
        if (missedEvents) {
            return Optional.empty();
        }
        List<MessageWithParts> messages = new ArrayList<>(infos.size());
        infos.forEach((id, info) -> messages.add(new MessageWithParts(info,
                List.copyOf(textParts.getOrDefault(id, Map.of()).values()))));
        return Optional.of(messages);
    }
}
