package org.camelopencode.component;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.TypeConversionException;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.dispatch.DispatchLimits;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.TurnStart;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Escalation;
import org.camelopencode.interaction.InteractionPolicy;
import org.camelopencode.interaction.PermissionPolicy;
import org.camelopencode.interaction.QuestionPolicy;
import org.camelopencode.task.Durations;
import org.camelopencode.task.Expectation;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TaskTurn;

/**
 * Turns an exchange into a {@link DispatchRequest}. The body is a {@link TaskSpec}, a
 * {@link DispatchRequest} or the prompt text. Precedence for each setting: the task's own value,
 * then the {@code CamelOpenCode*} header, then the endpoint option.
 *
 * <p>Caps ({@code maxTokens}, {@code maxCost}) follow the same precedence; the number of stricter
 * JSON retries comes from the {@code CamelOpenCodeJsonRetries} header, else the option.
 *
 * <p>The attempt number is the count of the exchange's attempt history plus one when it has one
 * (task routes: a re-drive goes on counting), else Camel's redelivery counter plus one, else the
 * {@code CamelOpenCodeAttempt} header, so each redelivery runs in a fresh session with its own title.
 */
final class DispatchRequests {

    /** OpenCode's read-only agent. */
    static final String PLAN_AGENT = "plan";

    private DispatchRequests() {
    }

    /**
     * @param exchange the exchange
     * @param configuration the endpoint's options
     * @return the request, with the default interaction policy and no caps beyond the task's and the headers'
     * @throws OpenCodeFailureException {@code invalid_task} when the prompt is empty or an option
     *     (model, timeout, schema) is malformed
     */
    static DispatchRequest from(Exchange exchange, OpenCodeConfiguration configuration) {
        return from(exchange, configuration, new InteractionConfiguration(), new BudgetConfiguration(), null);
    }

    /**
     * @param exchange the exchange
     * @param configuration the endpoint's options
     * @param interaction the endpoint's permission and question policies and approval time to live
     * @param budget the endpoint's caps on tokens and cost
     * @param escalation where escalated requests go, or {@code null} when no approval endpoint is configured
     * @return the request, with its interaction policy
     * @throws OpenCodeFailureException {@code invalid_task} when the prompt is empty or an option
     *     (model, timeout, schema, policies) is malformed
     */
    static DispatchRequest from(Exchange exchange, OpenCodeConfiguration configuration, InteractionConfiguration interaction,
            BudgetConfiguration budget, Escalation escalation) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        int attempt = attemptOf(exchange);
        if (body instanceof DispatchRequest request) {
            DispatchRequest numbered = request.attempt() == attempt ? request : request.withAttempt(attempt);
            return escalation == null || numbered.interaction().escalation() != null ? numbered
                    : numbered.withInteraction(withEscalation(numbered.interaction(), escalation));
        }
        TaskSpec task = body instanceof TaskSpec spec ? spec : null;
        String prompt = task != null ? task.prompt() : message.getBody(String.class);
        if (prompt == null || prompt.isBlank()) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "the task has no prompt (empty message body)");
        }
        try {
            String agent = firstOf(task == null ? null : task.agent(), message.getHeader(OpenCodeConstants.AGENT, String.class),
                    configuration.getAgent());
            boolean readOnly = message.getHeader(OpenCodeConstants.READ_ONLY, configuration.isReadOnly(), Boolean.class)
                    || PLAN_AGENT.equals(agent);
            return new DispatchRequest(
                    prompt.strip(),
                    firstOf(task == null ? null : task.model(), message.getHeader(OpenCodeConstants.MODEL, String.class), configuration.getModel()),
                    agent == null && readOnly ? PLAN_AGENT : agent,
                    configuration.getSystem(),
                    firstOf(task == null ? null : firstOf(task.title(), task.name(), null),
                            message.getHeader(OpenCodeConstants.TITLE, String.class),
                            firstOf(message.getHeader(OpenCodeConstants.TASK_NAME, String.class), configuration.getTitle(), null)),
                    expectsJson(task, exchange, configuration),
                    schemaOf(task, configuration),
                    task != null && task.timeout() != null ? task.timeout() : timeoutOf(exchange, configuration),
                    message.getHeader(OpenCodeConstants.RUN_ID, String.class),
                    message.getHeader(OpenCodeConstants.STAGE, String.class),
                    attempt,
                    interactionOf(message, interaction, escalation, readOnly),
                    limitsOf(task, message, configuration.getJsonRetries(), budget));
        } catch (IllegalArgumentException malformed) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, malformed.getMessage());
        } catch (TypeConversionException malformed) {
            // A header such as CamelOpenCodeMaxTokens=abc.
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "a header is malformed: " + malformed.getMessage());
        }
    }

    /**
     * Puts the request in the task's directory: the task's {@code directory} key, else the {@code CamelOpenCodeDirectory}
     * header, else the {@code directory} option, resolved and checked by {@link TaskDirectory} against the
     * {@code workspacesRoot} option. A request that names its directory already (a {@link DispatchRequest} body) keeps it.
     *
     * @param request the request from {@link #from}
     * @param exchange the exchange
     * @param configuration the endpoint's options
     * @param projectDirectory where relative directories resolve without a workspaces root
     * @return the request with its real, absolute directory, or unchanged when none is named
     * @throws OpenCodeFailureException {@code invalid_task} when the directory does not exist or lies outside the root
     */
    static DispatchRequest inTaskDirectory(DispatchRequest request, Exchange exchange, OpenCodeConfiguration configuration,
            Supplier<Path> projectDirectory) {
        if (request.directory() != null) {
            return request;
        }
        Message message = exchange.getMessage();
        TaskSpec task = message.getBody() instanceof TaskSpec spec ? spec : null;
        String requested = firstOf(task == null ? null : task.directory(), message.getHeader(OpenCodeConstants.DIRECTORY, String.class),
                configuration.getDirectory());
        Path directory = TaskDirectory.resolve(requested, configuration.getWorkspacesRoot(), projectDirectory);
        return directory == null ? request : request.withDirectory(directory);
    }

    /**
     * Sets how the request's turn starts: the task's {@code sessionId}, {@code fork}, {@code command}, {@code arguments}
     * and {@code files} keys when it names any, else the {@code CamelOpenCodeContinueSession}, {@code CamelOpenCodeFork},
     * {@code CamelOpenCodeCommand} and {@code CamelOpenCodeArguments} headers. Files resolve against the request's
     * directory (else the project directory) and must exist. A request whose turn is set already keeps it.
     *
     * @param request the request, in its directory ({@link #inTaskDirectory})
     * @param exchange the exchange
     * @param projectDirectory where files resolve for a request without a directory
     * @return the request with its turn
     * @throws OpenCodeFailureException {@code invalid_task} when a file does not exist or the keys contradict each other
     */
    static DispatchRequest withTurn(DispatchRequest request, Exchange exchange, Supplier<Path> projectDirectory) {
        if (!request.turn().equals(TurnStart.NONE)) {
            return request;
        }
        Message message = exchange.getMessage();
        TaskTurn task = message.getBody() instanceof TaskSpec spec ? spec.turn() : TaskTurn.NONE;
        try {
            TaskTurn turn = !task.isNone() ? task : new TaskTurn(message.getHeader(OpenCodeConstants.CONTINUE_SESSION, String.class),
                    message.getHeader(OpenCodeConstants.FORK, false, Boolean.class), message.getHeader(OpenCodeConstants.COMMAND, String.class),
                    message.getHeader(OpenCodeConstants.ARGUMENTS, String.class), List.of());
            if (turn.isNone()) {
                return request;
            }
            Path base = request.directory() != null ? request.directory() : projectDirectory.get().toAbsolutePath();
            List<Path> files = turn.files().stream().map(file -> existingFile(base, file)).toList();
            return request.withTurn(new TurnStart(turn.sessionId(), turn.fork(), turn.command(), turn.arguments(), files));
        } catch (IllegalArgumentException | TypeConversionException inconsistent) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, inconsistent.getMessage());
        }
    }

    private static Path existingFile(Path base, String file) {
        Path resolved = base.resolve(file).normalize();
        if (!Files.isRegularFile(resolved)) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "file '" + file + "' " + (Files.exists(resolved)
                    ? "is not a regular file" : "does not exist") + " (resolved against " + base + ")");
        }
        return resolved;
    }

    /**
     * @param exchange the exchange
     * @param configuration the endpoint's options
     * @return the {@code CamelOpenCodeTimeout} header (a {@link Duration}, or text read by {@link Durations}: ISO-8601,
     *     Camel's form or whole seconds), else the endpoint's timeout
     * @throws OpenCodeFailureException {@code invalid_task} when the header is malformed or either is not positive
     */
    static Duration timeoutOf(Exchange exchange, OpenCodeConfiguration configuration) {
        Object header = exchange.getMessage().getHeader(OpenCodeConstants.TIMEOUT);
        try {
            if (header == null) {
                return Durations.requirePositive(configuration.getTimeout(), "timeout");
            }
            return header instanceof Duration duration ? Durations.requirePositive(duration, OpenCodeConstants.TIMEOUT)
                    : Durations.parsePositive(header.toString(), OpenCodeConstants.TIMEOUT, Durations.BareNumber.SECONDS);
        } catch (IllegalArgumentException malformed) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, malformed.getMessage());
        }
    }

    /**
     * The task's caps, else the {@code CamelOpenCodeMaxTokens} / {@code CamelOpenCodeMaxCost} headers,
     * else the options; stricter JSON retries from the {@code CamelOpenCodeJsonRetries} header, else the option.
     */
    static DispatchLimits limitsOf(TaskSpec task, Message message, int jsonRetriesOption, BudgetConfiguration budget) {
        Long maxTokens = task != null && task.maxTokens() != null ? task.maxTokens()
                : message.getHeader(OpenCodeConstants.MAX_TOKENS, budget.getMaxTokens(), Long.class);
        Double maxCost = task != null && task.maxCost() != null ? task.maxCost()
                : message.getHeader(OpenCodeConstants.MAX_COST, budget.getMaxCost(), Double.class);
        Integer jsonRetries = message.getHeader(OpenCodeConstants.JSON_RETRIES, jsonRetriesOption, Integer.class);
        return new DispatchLimits(maxTokens, maxCost, jsonRetries == null ? DispatchLimits.DEFAULT_JSON_RETRIES : jsonRetries);
    }

    private static InteractionPolicy interactionOf(Message message, InteractionConfiguration interaction, Escalation escalation,
            boolean readOnly) {
        String permissions = message.getHeader(OpenCodeConstants.PERMISSION_POLICY, interaction.getPermissionPolicy(), String.class);
        String questions = message.getHeader(OpenCodeConstants.QUESTION_POLICY, interaction.getQuestionPolicy(), String.class);
        return new InteractionPolicy(PermissionPolicy.parse(permissions), QuestionPolicy.parse(questions), escalation,
                Durations.requirePositive(interaction.getApprovalTimeToLive(), "approvalTimeToLive"), readOnly);
    }

    private static InteractionPolicy withEscalation(InteractionPolicy policy, Escalation escalation) {
        return new InteractionPolicy(policy.permissions(), policy.questions(), escalation, policy.approvalTimeToLive(), policy.readOnly());
    }

    private static int attemptOf(Exchange exchange) {
        if (exchange.getProperty(AttemptHistory.PROPERTY) != null) {
            // Runs with a history (task routes) count every attempt, earlier runs of a re-drive included.
            return AttemptHistory.of(exchange).size() + 1;
        }
        Integer explicit = exchange.getMessage().getHeader(OpenCodeConstants.ATTEMPT, Integer.class);
        Integer redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        if (redeliveries != null && redeliveries > 0) {
            return redeliveries + 1;
        }
        return explicit != null && explicit > 0 ? explicit : 1;
    }

    private static String firstOf(String first, String second, String third) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        if (second != null && !second.isBlank()) {
            return second;
        }
        return third == null || third.isBlank() ? null : third;
    }

    /** The task's schema, else the endpoint's {@code schema} option parsed. */
    private static JsonNode schemaOf(TaskSpec task, OpenCodeConfiguration configuration) {
        if (task != null && task.schema() != null) {
            return task.schema();
        }
        String schema = configuration.getSchema();
        if (schema == null || schema.isBlank()) {
            return null;
        }
        try {
            return OpenCodeJson.mapper().readTree(schema);
        } catch (Exception malformed) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, "the schema option is not valid JSON: " + malformed.getMessage());
        }
    }

    /** The task's {@code expect}, else the {@code CamelOpenCodeExpect} header, else the endpoint's option. */
    private static boolean expectsJson(TaskSpec task, Exchange exchange, OpenCodeConfiguration configuration) {
        if (task != null && task.expect() != null) {
            return task.expect() == Expectation.JSON;
        }
        String expect = exchange.getMessage().getHeader(OpenCodeConstants.EXPECT, configuration.getExpect(), String.class);
        return "json".equalsIgnoreCase(expect);
    }
}
