package org.camelopencode.dispatch;

import java.util.List;
import org.camelopencode.failure.OpenCodeFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes one dispatch attempt from its session to its outcome: the ledger, the metrics, the trace and the exchange's
 * attempt history are each one of these, composed with {@link #all(List)} where the attempt starts and passed with it.
 *
 * <p>{@link #sessionCreated(String, String, String)} is called by the {@link Dispatcher} right after {@code POST /session}
 * answered (or the continued session was found) and before the prompt is sent (never for a re-attached session);
 * {@link #completed}, {@link #failed} or {@link #handedBack} is called exactly once by whoever ends the attempt. Listeners must not block: they run on dispatch worker threads.
 */
public interface AttemptListener {

    /** A listener that observes nothing. */
    AttemptListener NONE = new AttemptListener() {
    };

    /**
     * @param server the name of the server the session lives on ({@code instance-2}, or the server's URL)
     * @param sessionId the new session ({@code ses_...})
     */
    default void sessionCreated(String server, String sessionId) {
    }

    /**
     * The session the attempt's prompt goes to, told before that prompt is sent: a new one, or a continued one (the task's
     * {@code sessionId}, or its fork) with the newest message it held before this attempt. The default tells
     * {@link #sessionCreated(String, String)}.
     *
     * @param server the name of the server the session lives on ({@code instance-2}, or the server's URL)
     * @param sessionId the session ({@code ses_...})
     * @param judgedAfter the newest message of a continued session before this attempt's prompt ({@code msg_...}), which
     *     a re-attach must not judge; {@code null} for a new or empty session
     */
    default void sessionCreated(String server, String sessionId, String judgedAfter) {
        sessionCreated(server, sessionId);
    }

    /** @param result the attempt's checked result */
    default void completed(DispatchResult result) {
    }

    /** @param failure the attempt's classified failure (anything unclassified arrives as {@code agent_error}) */
    default void failed(OpenCodeFailureException failure) {
    }

    /**
     * The attempt never ran: another runner of the cluster holds its task's key with a live lease, and the task goes
     * back to its trigger to be delivered again (a hand-back, not a failure: no session, no tokens, no failure kind).
     *
     * @param reason why, naming the task key and its owner (no secrets)
     */
    default void handedBack(String reason) {
    }

    /**
     * @param listeners the listeners, called in this order; one that throws is logged and does not stop the others
     * @return one listener telling all of them
     */
    static AttemptListener all(List<AttemptListener> listeners) {
        List<AttemptListener> copy = List.copyOf(listeners);
        return new AttemptListener() {
            @Override
            public void sessionCreated(String server, String sessionId) {
                copy.forEach(listener -> Guard.run(() -> listener.sessionCreated(server, sessionId), "sessionCreated"));
            }

            @Override
            public void sessionCreated(String server, String sessionId, String judgedAfter) {
                copy.forEach(listener -> Guard.run(() -> listener.sessionCreated(server, sessionId, judgedAfter), "sessionCreated"));
            }

            @Override
            public void completed(DispatchResult result) {
                copy.forEach(listener -> Guard.run(() -> listener.completed(result), "completed"));
            }

            @Override
            public void failed(OpenCodeFailureException failure) {
                copy.forEach(listener -> Guard.run(() -> listener.failed(failure), "failed"));
            }

            @Override
            public void handedBack(String reason) {
                copy.forEach(listener -> Guard.run(() -> listener.handedBack(reason), "handedBack"));
            }
        };
    }

    /** Keeps one listener's fault from reaching the attempt or the other listeners. */
    final class Guard {
        private static final Logger LOG = LoggerFactory.getLogger(AttemptListener.class);

        private Guard() {
        }

        static void run(Runnable call, String what) {
            try {
                call.run();
            } catch (RuntimeException failure) {
                LOG.warn("An attempt listener failed in {}: {}", what, failure.toString());
            }
        }
    }
}
