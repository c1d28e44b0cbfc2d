package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.camelopencode.client.ModelReference;
import org.camelopencode.interaction.InteractionPolicy;

/**
 * One attempt of one task, as the dispatcher runs it: a fresh session titled {@link #sessionTitle()},
 * one prompt, and the completion gate.
 *
 * @param prompt the prompt text, never blank
 * @param model the model as {@code provider/model}, or {@code null} for the server's default
 * @param agent the OpenCode agent (for example {@code build}, {@code plan}), or {@code null} for the default
 * @param system an extra system prompt, or {@code null}
 * @param title the task's name or title, used in the session title; {@code null} = {@code "task"}
 * @param expectJson whether the reply must be JSON (a single fenced {@code ```json} block counts)
 * @param schema a JSON Schema sent as {@code format: {type: json_schema}}; the reply then lands in
 *     {@code info.structured}; {@code null} for none
 * @param timeout the deadline of this attempt, measured from the call to dispatch; positive
 * @param runId the run this attempt belongs to, or {@code null}
 * @param stage the stage of the run, or {@code null}
 * @param attempt the attempt number, 1 for the first
 * @param interaction how permission and question requests are answered; {@code null} =
 *     {@link InteractionPolicy#defaults()}
 * @param limits token and cost caps and stricter JSON retries; {@code null} = {@link DispatchLimits#DEFAULTS}
 * @param directory the absolute directory the session works in, sent as the {@code directory} query parameter of every
 *     call of the attempt's session; {@code null} = the server's own directory (where {@code opencode serve} runs)
 * @param turn how the turn starts: a session to continue (or fork), a slash command, files; {@code null} =
 *     {@link TurnStart#NONE} (a fresh session and the prompt)
 */
public record DispatchRequest(
        String prompt,
        String model,
        String agent,
        String system,
        String title,
        boolean expectJson,
        JsonNode schema,
        Duration timeout,
        String runId,
        String stage,
        int attempt,
        InteractionPolicy interaction,
        DispatchLimits limits,
        Path directory,
        TurnStart turn) {

    /** Validates the fields; see the record description. */
    public DispatchRequest {
        interaction = interaction == null ? InteractionPolicy.defaults() : interaction;
        limits = limits == null ? DispatchLimits.DEFAULTS : limits;
        turn = turn == null ? TurnStart.NONE : turn;
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
        }
        if (model != null && model.isBlank()) {
            model = null;
        }
        if (model != null) {
            ModelReference.parse(model);
        }
        if (directory != null && !directory.isAbsolute()) {
            throw new IllegalArgumentException("directory must be absolute, was " + directory);
        }
    }

    /**
     * A request in the server's own directory.
     *
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param system see the record description
     * @param title see the record description
     * @param expectJson see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @param attempt see the record description
     * @param interaction see the record description
     * @param limits see the record description
     */
    public DispatchRequest(String prompt, String model, String agent, String system, String title, boolean expectJson,
            JsonNode schema, Duration timeout, String runId, String stage, int attempt, InteractionPolicy interaction,
            DispatchLimits limits) {
        this(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt, interaction, limits, null, null);
    }

    /**
     * A request with {@link DispatchLimits#DEFAULTS}.
     *
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param system see the record description
     * @param title see the record description
     * @param expectJson see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @param attempt see the record description
     * @param interaction see the record description
     */
    public DispatchRequest(String prompt, String model, String agent, String system, String title, boolean expectJson,
            JsonNode schema, Duration timeout, String runId, String stage, int attempt, InteractionPolicy interaction) {
        this(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt, interaction, null);
    }

    /**
     * A request answering interruptions by {@link InteractionPolicy#defaults()}.
     *
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param system see the record description
     * @param title see the record description
     * @param expectJson see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @param attempt see the record description
     */
    public DispatchRequest(String prompt, String model, String agent, String system, String title, boolean expectJson,
            JsonNode schema, Duration timeout, String runId, String stage, int attempt) {
        this(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt, null, null);
    }

    /**
     * A plain text request with defaults: server's model and agent, first attempt.
     *
     * @param prompt the prompt
     * @param timeout the deadline
     * @return the request
     */
    public static DispatchRequest of(String prompt, Duration timeout) {
        return new DispatchRequest(prompt, null, null, null, null, false, null, timeout, null, null, 1);
    }

    /**
     * The session title that says which task, run, stage and attempt the session is for, for
     * example {@code "fix-bug [run r1, stage plan, attempt 2]"}.
     *
     * @return the title sent with {@code POST /session}
     */
    public String sessionTitle() {
        StringBuilder title = new StringBuilder(this.title == null || this.title.isBlank() ? "task" : this.title);
        title.append(" [");
        if (runId != null) {
            title.append("run ").append(runId).append(", ");
        }
        if (stage != null) {
            title.append("stage ").append(stage).append(", ");
        }
        return title.append("attempt ").append(attempt).append(']').toString();
    }

    /**
     * @param newInteraction how interruptions are answered
     * @return a copy with that interaction policy
     */
    public DispatchRequest withInteraction(InteractionPolicy newInteraction) {
        return new DispatchRequest(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt,
                newInteraction, limits, directory, turn);
    }

    /** @return a copy with another attempt number */
    public DispatchRequest withAttempt(int newAttempt) {
        return new DispatchRequest(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, newAttempt,
                interaction, limits, directory, turn);
    }

    /**
     * @param newModel {@code provider/model}, or {@code null} for the server's default (for a fallback model)
     * @return a copy with another model
     * @throws IllegalArgumentException when the model is not {@code provider/model}
     */
    public DispatchRequest withModel(String newModel) {
        return new DispatchRequest(prompt, newModel, agent, system, title, expectJson, schema, timeout, runId, stage, attempt,
                interaction, limits, directory, turn);
    }

    /**
     * @param newLimits caps and stricter JSON retries; {@code null} = {@link DispatchLimits#DEFAULTS}
     * @return a copy with those limits
     */
    public DispatchRequest withLimits(DispatchLimits newLimits) {
        return new DispatchRequest(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt,
                interaction, newLimits, directory, turn);
    }

    /**
     * @param newDirectory the absolute directory the session works in, or {@code null} for the server's own
     * @return a copy working in that directory
     * @throws IllegalArgumentException when the directory is not absolute
     */
    public DispatchRequest withDirectory(Path newDirectory) {
        return new DispatchRequest(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt,
                interaction, limits, newDirectory, turn);
    }

    /**
     * @param newTurn how the turn starts (a session to continue or fork, a command, files); {@code null} = a fresh session
     * @return a copy starting its turn that way
     */
    public DispatchRequest withTurn(TurnStart newTurn) {
        return new DispatchRequest(prompt, model, agent, system, title, expectJson, schema, timeout, runId, stage, attempt,
                interaction, limits, directory, newTurn);
    }
}
