package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeConnectionException;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * Sends the turn of a fresh or continued session: the prompt ({@code POST /session/{id}/prompt_async}, files as file
 * parts), or the task's slash command ({@code POST /session/{id}/command}). The command endpoint answers only when its
 * turn ends (measured on 1.18.33), so it is sent without waiting and the gate judges the session as for a prompt; only
 * a refusal ends the attempt from here.
 */
final class TurnStarts {

    /** How long the command's HTTP call may outlive the attempt's deadline (the deadline aborts the turn first). */
    private static final Duration COMMAND_ANSWER_GRACE = Duration.ofMinutes(1);

    private TurnStarts() {
    }

    /**
     * @param client the client's view for the attempt's directory
     * @param request the attempt
     * @param sessionId the session
     * @param failTurn told when the server refuses the command later: 400 or 404 as {@code invalid_task} (an unknown
     *     command), other errors as {@link FailureClassifier#fromClientException}; a timeout of the call is left to the
     *     attempt's deadline
     * @throws OpenCodeClientException when the prompt is refused or cannot be sent
     */
    static void send(OpenCodeClient client, DispatchRequest request, String sessionId, Consumer<OpenCodeFailureException> failTurn) {
        String command = request.turn().command();
        if (command == null) {
            client.promptAsync(sessionId, Prompts.of(request));
            return;
        }
        client.commandAsync(sessionId, Prompts.command(request), request.timeout().plus(COMMAND_ANSWER_GRACE))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        refused(command, sessionId, failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure, failTurn);
                    }
                });
    }

    private static void refused(String command, String sessionId, Throwable cause, Consumer<OpenCodeFailureException> failTurn) {
        if (cause instanceof OpenCodeConnectionException connection && connection.isTimeout()) {
            return;
        }
        if (cause instanceof OpenCodeApiException api && (api.statusCode() == 400 || api.statusCode() == 404)) {
            failTurn.accept(new OpenCodeFailureException(FailureKind.INVALID_TASK, "the server refused command '/" + command + "': "
                    + api.getMessage(), sessionId, null, api));
        } else if (cause instanceof OpenCodeClientException clientFailure) {
            failTurn.accept(FailureClassifier.fromClientException(clientFailure, sessionId));
        } else {
            failTurn.accept(new OpenCodeFailureException(FailureKind.AGENT_ERROR, "command '/" + command + "' failed: " + cause,
                    sessionId, null, cause));
        }
    }
}
