package org.camelopencode.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.dispatch.CompletionGate;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.GateVerdict;
import org.camelopencode.dispatch.Prompts;
import org.camelopencode.dispatch.SchemaCheck;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.failure.RetryAfter;
import org.camelopencode.server.ProcessTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt through the CLI: {@code opencode run --format json}, its lines read into a {@link CliOutput}, judged
 * by {@link CliGate}; a reply that is not the expected JSON gets up to {@code jsonRetries} stricter follow-ups in the
 * same session ({@code --session}), as on the server. Runs on one worker thread ({@link #run()} blocks while the
 * process runs); {@link #expire()} is called from another thread when the deadline passes and kills the process tree.
 */
final class CliRun {

    private static final Logger LOG = LoggerFactory.getLogger(CliRun.class);
    /** How much of standard error is kept for failure messages. */
    static final int STDERR_TAIL_BYTES = 4096;
    /** How long TERM may take before KILL when a run is stopped. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final CliOptions options;
    private final DispatchRequest request;
    private final CliTaskOptions task;
    private final OpenCodeClient attachClient;
    private final ExecutorService streams;
    private final Instant startedAt;
    private final CliOutput output = new CliOutput();
    private volatile Process process;
    private OutputTail stderrTail = new OutputTail(STDERR_TAIL_BYTES);
    private CompletableFuture<Void> stderrDrained = CompletableFuture.completedFuture(null);
    private volatile boolean expired;
    private volatile boolean overBudget;

    /**
     * @param options the transport's settings; a request with its own directory runs there (working directory,
     *     {@code PWD}, and {@code --dir} with {@code --attach}) instead of the options' working directory
     * @param request the attempt
     * @param task files and session options
     * @param attachClient a client of {@code options.attach()}, or null for standalone runs; its calls carry the
     *     request's directory
     * @param streams threads that drain standard error and write standard input
     * @param startedAt when the attempt was dispatched: its deadline counts from there
     */
    CliRun(CliOptions options, DispatchRequest request, CliTaskOptions task, OpenCodeClient attachClient,
            ExecutorService streams, Instant startedAt) {
        this.options = request.directory() == null ? options : options.withWorkingDirectory(request.directory());
        this.request = request;
        this.task = task;
        this.attachClient = attachClient == null ? null : attachClient.inDirectory(request.directory());
        this.streams = streams;
        this.startedAt = startedAt;
    }

    /**
     * @return the checked result
     * @throws OpenCodeFailureException with the failure's kind, session, usage and retry-after
     */
    DispatchResult run() {
        SchemaCheck schemaCheck;
        try {
            schemaCheck = request.schema() == null ? null : SchemaCheck.compile(request.schema());
        } catch (IllegalArgumentException invalid) {
            throw failure(FailureKind.INVALID_TASK, invalid.getMessage(), null, null);
        }
        String followUpSession = null;
        String stdin = CliCommand.prompt(request);
        for (int jsonRetries = 0; ; jsonRetries++) {
            Process started = start(followUpSession, stdin);
            int exitCode = readUntilExit(started);
            String stderr = redacted(stderrTail);
            checkStopped();
            GateVerdict verdict = attachClient != null && output.sessionId() != null
                    ? judgeOnServer(schemaCheck) : CliGate.judge(request, output, exitCode, stderr, schemaCheck);
            checkBudget();
            if (verdict instanceof GateVerdict.Completed completed) {
                DispatchResult result = completed.result().withDuration(elapsed());
                LOG.info("'{}' completed through opencode run in {} ms in {}", request.sessionTitle(), result.duration().toMillis(),
                        result.sessionId());
                return result;
            }
            GateVerdict.Failed failed = (GateVerdict.Failed) verdict;
            if (failed.kind() == FailureKind.ASSISTANT_OUTPUT_NOT_JSON && jsonRetries < request.limits().jsonRetries()
                    && output.sessionId() != null) {
                LOG.info("'{}': {}; asking again for JSON in {}", request.sessionTitle(), failed.message(), output.sessionId());
                followUpSession = output.sessionId();
                stdin = Prompts.stricterJson(request, failed.message()).parts().get(0).text();
                output.startFollowUp();
                continue;
            }
            throw failure(failed.kind(), failed.message(), failed.kind() == FailureKind.REQUEST_REJECTED
                    ? output.rejectedRequest() : null, RetryAfter.fromError(failed.error(), Instant.now()));
        }
    }

    private Process start(String followUpSession, String stdin) {
        List<String> command = CliCommand.arguments(options, request, task, followUpSession);
        ProcessBuilder builder = new ProcessBuilder(command).directory(options.workingDirectory().toFile());
        CliCommand.prepareEnvironment(builder.environment(), options);
        try {
            Process started = builder.start();
            process = started;
            if (expired) {
                ProcessTree.stop(started.toHandle(), KILL_GRACE.toMillis());
            }
            stderrTail = new OutputTail(STDERR_TAIL_BYTES);
            OutputTail tail = stderrTail;
            stderrDrained = CompletableFuture.runAsync(() -> tail.drain(started.getErrorStream()), streams);
            streams.execute(() -> writeAndClose(started.getOutputStream(), stdin));
            LOG.debug("'{}': started opencode run (pid {})", request.sessionTitle(), started.pid());
            return started;
        } catch (IOException cannotStart) {
            throw failure(FailureKind.AGENT_ERROR, "cannot start " + options.binary() + ": " + cannotStart.getMessage(), null, null);
        }
    }

    /** Reads standard output to its end (the process exits, or is killed), then waits for the exit code. */
    private int readUntilExit(Process started) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.accept(line);
                Optional<String> over = request.limits().exceededBy(output.summary().tokens(), output.summary().cost());
                if (over.isPresent() && !overBudget) {
                    overBudget = true;
                    LOG.info("'{}': {}; stopping opencode run", request.sessionTitle(), over.get());
                    ProcessTree.stop(started.toHandle(), KILL_GRACE.toMillis());
                }
            }
        } catch (IOException killed) {
            // the process was killed while we read: its state says why
        }
        try {
            int exitCode = started.waitFor();
            stderrDrained.get(1, java.util.concurrent.TimeUnit.SECONDS);
            return exitCode;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException stillDraining) {
            return started.exitValue(); // a descendant still holds standard error open: judge with what was read
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            ProcessTree.stop(started.toHandle(), KILL_GRACE.toMillis());
            throw failure(FailureKind.PROVIDER_UNAVAILABLE, "interrupted while opencode run was running; it was stopped", null, null);
        }
    }

    /** An attached run may exit before its session is idle (1.18.33): read the final messages over HTTP. */
    private GateVerdict judgeOnServer(SchemaCheck schemaCheck) {
        String sessionId = output.sessionId();
        try {
            while (!attachClient.sessionStatuses().getOrDefault(sessionId, SessionStatus.idle()).isIdle()) {
                if (remaining().isNegative()) {
                    expire();
                    checkStopped();
                }
                Thread.sleep(IDLE_POLL.toMillis()); // bounded by the deadline; the session has no event subscription here
            }
            List<MessageWithParts> messages = attachClient.messages(sessionId, null);
            return CompletionGate.judge(request, sessionId, false, messages, schemaCheck);
        } catch (OpenCodeClientException unreachable) {
            throw FailureClassifier.fromClientException(unreachable, sessionId);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure(FailureKind.PROVIDER_UNAVAILABLE, "interrupted while reading the attached session", null, null);
        }
    }

    /** Called by the deadline timer: kills the running process tree; the reading thread then fails as timeout. */
    void expire() {
        expired = true;
        Process running = process;
        if (running != null) {
            ProcessTree.stop(running.toHandle(), KILL_GRACE.toMillis());
        }
    }

    /** @return the process of the current run, or null before the first started */
    Process process() {
        return process;
    }

    /** @return what the lines showed so far */
    AgentRunSummary summary() {
        return output.summary();
    }

    private void checkStopped() {
        if (expired) {
            throw failure(FailureKind.TIMEOUT, "no verdict within " + request.timeout() + "; the opencode run process tree was killed",
                    null, null);
        }
    }

    private void checkBudget() {
        Optional<String> over = request.limits().exceededBy(output.summary().tokens(), output.summary().cost());
        if (over.isPresent()) {
            throw failure(FailureKind.BUDGET_EXCEEDED, over.get() + (overBudget ? "; opencode run was stopped" : ""), null, null);
        }
    }

    private Duration elapsed() {
        return Duration.between(startedAt, Instant.now());
    }

    private Duration remaining() {
        return request.timeout().minus(elapsed());
    }

    /** @return a failure with the attempt's session, model, usage so far and duration */
    OpenCodeFailureException failure(FailureKind kind, String message, com.fasterxml.jackson.databind.JsonNode attached,
            Duration retryAfter) {
        OpenCodeFailureException failure = new OpenCodeFailureException(kind, message, output.sessionId(), attached, null);
        failure.attachUsage(request.model(), output.summary().tokens(), output.summary().cost(), elapsed());
        if (retryAfter != null && (kind == FailureKind.RATE_LIMITED || kind == FailureKind.PROVIDER_UNAVAILABLE)) {
            failure.withRetryAfter(retryAfter);
        }
        return failure;
    }

    private String redacted(OutputTail tail) {
        String text = tail.text();
        if (options.attach() != null && options.attach().hasPassword()) {
            text = text.replace(options.attach().password(), "***");
        }
        return text;
    }

    private static void writeAndClose(OutputStream stdin, String text) {
        try (stdin) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            // the process ended before reading its message; its exit code and output tell why
        }
    }
}
