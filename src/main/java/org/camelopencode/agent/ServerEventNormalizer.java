package org.camelopencode.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessagePartUpdated;
import org.camelopencode.client.MessageUpdated;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SessionError;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.SessionStatusChanged;

/**
 * Turns the events of one session read from the server's event stream ({@code GET /global/event}, typed by the client's
 * {@code EventParser}) into {@link AgentEvent}s. Stateful, one per session; not thread-safe: feed it from one thread
 * (the event stream's reader thread calls listeners one at a time).
 *
 * <p>Rules, checked against {@code opencode serve} 1.18.33:
 * <ul>
 *   <li>Events of other sessions (child sessions of subagents included) give nothing.</li>
 *   <li>{@code message.part.updated} of a message that {@code message.updated} announced with role {@code user} (the
 *       prompt) gives nothing. A part of a message not announced yet counts as the assistant's: the server announces
 *       each message before its parts, and the prompt's text part never has {@code time.end}, so it gives no text.</li>
 *   <li>A text part gives one {@link AgentEvent.MessageText} when an update has {@code time.end}; earlier updates
 *       and later repeats give nothing. Deltas ({@code message.part.delta}) are ignored.</li>
 *   <li>A tool part gives one {@link AgentEvent.ToolStarted} at its first {@code running} (or later) update and one
 *       {@link AgentEvent.ToolFinished} at its first {@code completed} or {@code error} update; calls are told apart
 *       by part id (providers may reuse call ids across steps).</li>
 *   <li>A {@code step-finish} part gives one {@link AgentEvent.StepUsage}.</li>
 *   <li>{@code session.error} gives an {@link AgentEvent.RunError}.</li>
 *   <li>{@code session.status} busy or retry begins a run (so does a part when no run was seen yet: the subscriber
 *       joined mid-run); the next {@code session.idle} or {@code session.status} idle ends it with one
 *       {@link AgentEvent.RunResult}. The server sends both idle events, after an error several pairs, and can send
 *       the last parts of a run after them (the final text of an aborted turn, a {@code patch}): those still give their
 *       events, after the {@code RunResult}, and start no new run.</li>
 *   <li>The first event of the session that gives anything is preceded by one {@link AgentEvent.SessionStarted}.</li>
 * </ul>
 */
public final class ServerEventNormalizer {

    private static final String USER_ROLE = "user";

    private final String sessionId;
    private final RunEvents run = new RunEvents();
    private final Map<String, String> roleByMessageId = new HashMap<>();
    private boolean running;
    private boolean anyRunSeen;

    /** @param sessionId the session to follow, {@code ses_...} */
    public ServerEventNormalizer(String sessionId) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    }

    /** @return the session this normalizer follows */
    public String sessionId() {
        return sessionId;
    }

    /**
     * @param event an event of the stream (any session; others are ignored)
     * @return the agent events it makes, in order; empty for events that carry nothing new
     */
    public List<AgentEvent> accept(OpenCodeEvent event) {
        Objects.requireNonNull(event, "event");
        if (!sessionId.equals(event.sessionId())) {
            return List.of();
        }
        List<AgentEvent> out = new ArrayList<>(2);
        Instant eventTime = RunEvents.epochMillis(event.properties().get("time"));
        if (event instanceof MessageUpdated updated && updated.info() != null && updated.info().id() != null) {
            roleByMessageId.put(updated.info().id(), updated.info().role());
            run.announceSession(sessionId, eventTime, out);
        } else if (event instanceof MessagePartUpdated) {
            JsonNode part = event.properties().path("part");
            if (part.isObject() && !USER_ROLE.equals(roleByMessageId.get(RunEvents.textOrNull(part, "messageID")))) {
                run.announceSession(sessionId, eventTime, out);
                if (!anyRunSeen) {
                    beginRun(); // joined in the middle of a run
                }
                run.part(sessionId, part, eventTime, out);
            }
        } else if (event instanceof SessionStatusChanged status && status.status() != null) {
            if ("idle".equals(status.status().type())) {
                endRun(out);
            } else {
                run.announceSession(sessionId, eventTime, out);
                beginRun();
            }
        } else if (event instanceof SessionIdle) {
            endRun(out);
        } else if (event instanceof SessionError error) {
            run.announceSession(sessionId, eventTime, out);
            MessageError cause = error.error();
            run.error(sessionId, eventTime, cause == null || cause.name() == null ? "UnknownError" : cause.name(),
                    cause == null ? "session.error without details" : cause.message(), out);
        }
        return out;
    }

    private void beginRun() {
        running = true;
        anyRunSeen = true;
    }

    private void endRun(List<AgentEvent> out) {
        if (running) {
            running = false;
            out.add(run.endRun(sessionId, null));
        }
    }
}
