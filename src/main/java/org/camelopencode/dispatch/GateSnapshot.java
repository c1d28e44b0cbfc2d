package org.camelopencode.dispatch;

import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageUpdated;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SessionError;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.client.SessionStatusChanged;

/**
 * What one attempt knows about its session, as one immutable value the run replaces atomically on each event and
 * each read: from the events ({@code session.idle}, {@code session.status}, {@code session.error}, the messages) and
 * from {@code GET /session/status}, plus the stricter JSON prompts the run sent.
 *
 * @param idleSinceNanos the {@link System#nanoTime()} the session was first seen idle since it was last busy, or
 *     {@link #NOT_IDLE}
 * @param idleReportedByEvent whether an event of the live stream reported the turn's end since the last evaluation:
 *     the next evaluation may skip {@code GET /session/status} (one round trip less between the turn's end and the
 *     result). Cleared by a busy event and by each prompt; polls, reconnects and settle re-checks still ask the server
 * @param latestStatus the latest status seen (event or poll), or {@code null}; a {@code retry} one says when OpenCode
 *     tries the provider again
 * @param lastSessionError the last {@code session.error} since the last prompt, or {@code null}
 * @param transcript the messages as the events describe them
 * @param usage tool calls, steps, tokens and cost so far, summed over the session's events
 * @param jsonRetries the stricter JSON prompts sent so far
 */
record GateSnapshot(long idleSinceNanos, boolean idleReportedByEvent, SessionStatus latestStatus, MessageError lastSessionError,
        EventTranscript transcript, AgentRunSummary usage, JsonRetries jsonRetries) {

    /** {@link #idleSinceNanos()} of a session not seen idle. */
    static final long NOT_IDLE = -1;

    /**
     * @param transcript the transcript to build on ({@link RunMode#initialTranscript()})
     * @return nothing seen yet
     */
    static GateSnapshot initial(EventTranscript transcript) {
        return new GateSnapshot(NOT_IDLE, false, null, null, transcript, AgentRunSummary.EMPTY, JsonRetries.NONE);
    }

    /** @return whether the session was last seen idle */
    boolean idle() {
        return idleSinceNanos != NOT_IDLE;
    }

    /**
     * @param event an event of the session
     * @return whether it reports the end of the turn, so the gate should look now: {@code session.idle}, an idle
     *     {@code session.status}, or, once idle, a completed assistant {@code message.updated} (idle can come before the
     *     final message)
     */
    boolean reportsIdle(OpenCodeEvent event) {
        if (event instanceof SessionIdle) {
            return true;
        }
        if (event instanceof SessionStatusChanged changed) {
            return changed.status() == null || changed.status().isIdle();
        }
        return event instanceof MessageUpdated updated && idle() && updated.info() != null && updated.info().isAssistant()
                && updated.info().isCompleted();
    }

    /**
     * @param event an event of the session
     * @param newUsage the usage including this event
     * @param nowNanos {@link System#nanoTime()} now
     * @return the snapshot after the event
     */
    GateSnapshot withEvent(OpenCodeEvent event, AgentRunSummary newUsage, long nowNanos) {
        long idleSince = idleSinceNanos;
        boolean reported = idleReportedByEvent;
        SessionStatus status = latestStatus;
        MessageError error = lastSessionError;
        if (reportsIdle(event)) {
            idleSince = idle() ? idleSince : nowNanos;
            reported = true;
        }
        if (event instanceof SessionStatusChanged changed) {
            status = changed.status();
            if (!reportsIdle(event)) {
                idleSince = NOT_IDLE;
                reported = false;
            }
        } else if (event instanceof SessionError sessionError) {
            error = sessionError.error();
        }
        return new GateSnapshot(idleSince, reported, status, error, transcript.accept(event), newUsage, jsonRetries);
    }

    /** @return this snapshot with the event's report of idle taken by an evaluation */
    GateSnapshot withoutIdleReport() {
        return new GateSnapshot(idleSinceNanos, false, latestStatus, lastSessionError, transcript, usage, jsonRetries);
    }

    /**
     * @param nowNanos {@link System#nanoTime()} now
     * @return the session seen idle (since earlier, if it already was)
     */
    GateSnapshot seenIdle(long nowNanos) {
        return idle() ? this
                : new GateSnapshot(nowNanos, idleReportedByEvent, latestStatus, lastSessionError, transcript, usage, jsonRetries);
    }

    /**
     * @param status the session's entry of {@code GET /session/status} (idle when not listed)
     * @param nowNanos {@link System#nanoTime()} now
     * @return the snapshot after the read
     */
    GateSnapshot withPolledStatus(SessionStatus status, long nowNanos) {
        long idleSince = status.isIdle() ? (idle() ? idleSinceNanos : nowNanos) : NOT_IDLE;
        return new GateSnapshot(idleSince, idleReportedByEvent, status, lastSessionError, transcript, usage, jsonRetries);
    }

    /** @return the snapshot after the event stream dropped: the transcript answers nothing from now on */
    GateSnapshot withMissedEvents() {
        return new GateSnapshot(idleSinceNanos, idleReportedByEvent, latestStatus, lastSessionError, transcript.missedEvents(),
                usage, jsonRetries);
    }

    /**
     * @param messageId the newest message before a continued session's prompt
     * @return the snapshot of a run that judges only the messages after it (as after a stricter JSON prompt, no retry used)
     */
    GateSnapshot judgingOnlyAfter(String messageId) {
        return new GateSnapshot(idleSinceNanos, idleReportedByEvent, latestStatus, lastSessionError, transcript, usage,
                new JsonRetries(jsonRetries.used(), messageId));
    }

    /**
     * @param rejectedReplyId the reply the stricter JSON prompt answers
     * @return the snapshot as the new turn starts: not idle, no error of the turn before, one more retry used
     */
    GateSnapshot afterStricterPrompt(String rejectedReplyId) {
        return new GateSnapshot(NOT_IDLE, false, latestStatus, null, transcript, usage, jsonRetries.next(rejectedReplyId));
    }
}
