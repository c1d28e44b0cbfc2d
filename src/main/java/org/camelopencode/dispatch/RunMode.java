package org.camelopencode.dispatch;

import java.util.List;
import java.util.function.Consumer;
import org.camelopencode.client.CreateSessionRequest;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.PermissionRule;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a run starts the turn in a new session, continues a session the task names, or re-attaches to one another
 * process started (and prompts it, when that prompt never reached the server): everything they do differently is
 * decided here (the session, the prompt, the listener, the transcript, what the gate judges, and "lost").
 */
enum RunMode {
    /** A new session: created ({@code POST /session}), told to the attempt listener, then prompted. */
    FRESH("dispatch could not start: ", false) {
        @Override
        String session(OpenCodeClient client, DispatchRequest request, String existing) {
            return client.createSession(new CreateSessionRequest(request.sessionTitle(),
                    request.interaction().readOnly() ? READ_ONLY_RULES : null)).id();
        }

        @Override
        void startTurn(RunContext context, OpenCodeClient client, DispatchRequest request, String sessionId, String judgedAfter,
                AttemptListener listener, Runnable judgeNow, Consumer<OpenCodeFailureException> failTurn) {
            // Before the prompt: a listener that records sessions (the ledger) knows it before any paid work starts.
            tellSessionCreated(context, listener, sessionId, null);
            LOG.info("Dispatching '{}' in session {}{}{}", request.sessionTitle(), sessionId,
                    request.model() == null ? "" : " with model " + request.model(),
                    request.directory() == null ? "" : " in " + request.directory());
            TurnStarts.send(client, request, sessionId, failTurn);
        }
    },
    /**
     * A session another process started for this request (a runner that died mid-attempt): no session is created, no
     * prompt sent, nobody told of the session, and its events before now are not here.
     */
    REATTACHED("re-attaching could not start: ", true) {
        @Override
        void startTurn(RunContext context, OpenCodeClient client, DispatchRequest request, String sessionId, String judgedAfter,
                AttemptListener listener, Runnable judgeNow, Consumer<OpenCodeFailureException> failTurn) {
            LOG.info("Re-attaching '{}' to its session {}", request.sessionTitle(), sessionId);
            judgeNow.run(); // its turn may be running, finished or dead
        }

        @Override
        boolean lostWhenIdleWithoutReply(JsonRetries retries) {
            return retries.used() == 0;
        }

        @Override
        RunMode resolved(OpenCodeClient client, DispatchRequest request, String sessionId) {
            return nothingOfTheTurn(client.readableMessages(sessionId, request.schema() != null), request.turn().judgedAfter())
                    ? REATTACHED_UNPROMPTED : this;
        }
    },
    /**
     * A re-attached session without a single message of the run's turn (none at all, or none after the message a
     * continued session had before it): the process that created it (and recorded it) died before its prompt reached
     * the server, so nothing ran and nobody paid yet. The prompt is sent now, in that session (no second session, nobody
     * told of it again: it is recorded), and the turn is judged as a fresh one's: a session idle without a reply is the
     * agent's failure, not "lost".
     */
    REATTACHED_UNPROMPTED("re-attaching could not start: ", true) {
        @Override
        void startTurn(RunContext context, OpenCodeClient client, DispatchRequest request, String sessionId, String judgedAfter,
                AttemptListener listener, Runnable judgeNow, Consumer<OpenCodeFailureException> failTurn) {
            LOG.info("Re-attaching '{}' to its session {}: nothing of its turn is there, its prompt never reached the server;"
                    + " sending it now", request.sessionTitle(), sessionId);
            TurnStarts.send(client, request, sessionId, failTurn);
        }
    },
    /**
     * A session the task names ({@code sessionId}, issue 15 item 5), or its fork ({@code fork: true}): it must exist (404 is
     * {@code invalid_task}, never a new session); the turn is prompted (or the command run) in it, told to the listener
     * like a new one, and the gate judges only the messages after the last one before this prompt.
     */
    CONTINUED("continuing the session could not start: ", false) {
        @Override
        String session(OpenCodeClient client, DispatchRequest request, String existing) {
            String named = request.turn().sessionId();
            try {
                return request.turn().fork() ? client.forkSession(named).id() : client.session(named).id();
            } catch (OpenCodeApiException refused) {
                if (refused.statusCode() == 404) {
                    throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "sessionId " + named + " does not exist on the server"
                            + (request.directory() == null ? "" : " (asked in " + request.directory() + ")")
                            + "; a follow-up never starts a new session");
                }
                throw refused;
            }
        }

        @Override
        String judgedAfter(OpenCodeClient client, DispatchRequest request, String sessionId) {
            List<MessageWithParts> before = client.readableMessages(sessionId, request.schema() != null);
            return before.isEmpty() || before.get(before.size() - 1).info() == null ? null
                    : before.get(before.size() - 1).info().id();
        }

        @Override
        void startTurn(RunContext context, OpenCodeClient client, DispatchRequest request, String sessionId, String judgedAfter,
                AttemptListener listener, Runnable judgeNow, Consumer<OpenCodeFailureException> failTurn) {
            tellSessionCreated(context, listener, sessionId, judgedAfter);
            LOG.info("Continuing '{}' in session {}{}{}", request.sessionTitle(), sessionId,
                    request.turn().fork() ? " (a fork of " + request.turn().sessionId() + ")" : "",
                    request.directory() == null ? "" : " in " + request.directory());
            TurnStarts.send(client, request, sessionId, failTurn);
        }
    };

    /** The log category stays the run's, where users look for these lines. */
    private static final Logger LOG = LoggerFactory.getLogger(DispatchRun.class);
    /** Read-only sessions: the server denies every edit (edit, write, patch) without asking. */
    private static final List<PermissionRule> READ_ONLY_RULES = List.of(new PermissionRule("edit", "*", "deny"));

    private final String startFailure;
    private final boolean watchedFromTheMiddle;

    /**
     * @param startFailure the start of the {@code agent_error} message when starting failed unexpectedly
     * @param watchedFromTheMiddle whether the session's events before this run are not here (a re-attached session)
     */
    RunMode(String startFailure, boolean watchedFromTheMiddle) {
        this.startFailure = startFailure;
        this.watchedFromTheMiddle = watchedFromTheMiddle;
    }

    /**
     * @param client the server's client
     * @param request the attempt
     * @param existing the session to re-attach to, or {@code null}
     * @return the run's session: a new one ({@code POST /session}, with edits denied for a read-only request), the one the
     *     task names, or (this default, for the re-attaching modes) the existing one
     * @throws org.camelopencode.client.OpenCodeClientException when the server refuses or cannot be reached
     */
    String session(OpenCodeClient client, DispatchRequest request, String existing) {
        return existing;
    }

    /**
     * Starts (or takes up) the turn once the session's events are subscribed: a fresh session is told to the listener and
     * prompted ({@code POST /session/{id}/prompt_async}); a re-attached one is judged at once.
     *
     * @param context the dispatcher's server name
     * @param client the client's view for the attempt's directory
     * @param request the attempt
     * @param sessionId the session
     * @param judgedAfter the newest message before this run's turn ({@link #judgedAfter}), or {@code null}; told to the
     *     listener with the session
     * @param listener told the new session (never a re-attached one)
     * @param judgeNow asks the gate for a look
     * @param failTurn ends the attempt when a command the server answers later is refused
     * @throws org.camelopencode.client.OpenCodeClientException when the prompt is refused or cannot be sent
     */
    abstract void startTurn(RunContext context, OpenCodeClient client, DispatchRequest request, String sessionId,
            String judgedAfter, AttemptListener listener, Runnable judgeNow, Consumer<OpenCodeFailureException> failTurn);

    /**
     * @param client the client's view for the attempt's directory
     * @param request the attempt
     * @param sessionId the run's session
     * @return the id of the newest message before this run's turn, which the gate must not judge (a continued session's
     *     earlier reply), or {@code null} when every message is this run's; reads {@code GET /session/{id}/message}
     *     only for a continued session, and a re-attach takes the one its ledger recorded ({@link TurnStart#judgedAfter()})
     */
    String judgedAfter(OpenCodeClient client, DispatchRequest request, String sessionId) {
        return request.turn().judgedAfter();
    }

    /**
     * What the run turns out to be once its session is known: a re-attached session without any message of the run's
     * turn (none at all, or none after the recorded {@link TurnStart#judgedAfter()} of a continued one) becomes
     * {@link #REATTACHED_UNPROMPTED} (reads {@code GET /session/{id}/message}); every other mode stays itself, without a
     * read.
     *
     * @param client the client's view for the attempt's directory
     * @param request the attempt
     * @param sessionId the run's session
     * @return the mode the run starts its turn and judges it by
     * @throws org.camelopencode.client.OpenCodeClientException when the messages cannot be read
     */
    RunMode resolved(OpenCodeClient client, DispatchRequest request, String sessionId) {
        return this;
    }

    /** @return the start of the {@code agent_error} message when starting failed unexpectedly */
    String startFailure() {
        return startFailure;
    }

    /**
     * @return the transcript the events build on ({@link EventTranscript#EMPTY}); a re-attached session is watched from
     *     the middle, so its transcript answers nothing and every verdict is read from the server
     */
    EventTranscript initialTranscript() {
        return watchedFromTheMiddle ? EventTranscript.EMPTY.missedEvents() : EventTranscript.EMPTY;
    }

    /**
     * @param retries the stricter JSON prompts this run sent so far
     * @return whether a session idle without a final reply is lost (its turn died with the runner or server that
     *     started it, a {@code provider_unavailable} "lost" failure so the retry policy starts a new session) rather
     *     than judged as the agent's failure: only re-attached, and only while this run sent no prompt of its own
     */
    boolean lostWhenIdleWithoutReply(JsonRetries retries) {
        return false;
    }

    /** Tells the listener the new session before any paid work starts (a listener that records sessions: the ledger). */
    private static void tellSessionCreated(RunContext context, AttemptListener listener, String sessionId, String judgedAfter) {
        AttemptListener.Guard.run(() -> listener.sessionCreated(context.serverName(), sessionId, judgedAfter), "sessionCreated");
    }

    /**
     * @param messages the session's messages, oldest first
     * @param judgedAfter the newest message before the run's turn, or {@code null} when every message is the run's
     * @return whether none of them is the run's (its prompt never reached the server)
     */
    static boolean nothingOfTheTurn(List<MessageWithParts> messages, String judgedAfter) {
        if (judgedAfter == null) {
            return messages.isEmpty();
        }
        MessageWithParts newest = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        return newest != null && newest.info() != null && judgedAfter.equals(newest.info().id());
    }
}
