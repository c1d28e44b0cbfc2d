package org.camelopencode.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchLimits;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CliDispatcher} with fake {@code opencode} scripts: lines to result, standard input as the prompt, exit codes,
 * the stricter JSON follow-up with {@code --session}, and the deadline that kills the whole process tree.
 */
class CliDispatcherTest {

    @TempDir
    Path directory;
    private CliDispatcher dispatcher;

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private CliDispatcher dispatcherFor(String scriptBody) throws IOException {
        Path script = directory.resolve("opencode");
        Files.writeString(script, "#!/bin/bash\n" + scriptBody + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        dispatcher = new CliDispatcher(CliOptions.of(script, directory));
        return dispatcher;
    }

    private Path linesFile(String name, List<String> lines) throws IOException {
        return Files.write(directory.resolve(name), lines);
    }

    private static DispatchRequest request(boolean json, Duration timeout) {
        return new DispatchRequest("the prompt", "scripted/echo", null, null, "t", json, null, timeout, null, null, 1);
    }

    private static OpenCodeFailureException failureOf(java.util.concurrent.CompletableFuture<DispatchResult> future) {
        CompletionException thrown = catchThrowableOfType(CompletionException.class, () -> future.orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(thrown.getCause()).isInstanceOf(OpenCodeFailureException.class);
        return (OpenCodeFailureException) thrown.getCause();
    }

    @Test
    void linesOfASuccessfulRunBecomeTheResult() throws IOException {
        Path lines = linesFile("ok.ndjson", CliLines.recording("run-format-json.ndjson"));
        DispatchResult result = dispatcherFor("cat '" + lines + "'").dispatch(request(true, Duration.ofSeconds(20)), CliTaskOptions.NONE)
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(result.json().get("ok").asBoolean()).isTrue();
        assertThat(result.sessionId()).isEqualTo("ses_e04ad75ecffedVpLIm4FcjQQJ7");
        assertThat(result.duration()).isPositive();
    }

    @Test
    void thePromptGoesOnStandardInputAndNoSecretOnTheCommandLine() throws IOException {
        // the script answers with what it read on stdin, and records its arguments and password variable
        String script = "prompt=$(cat)\necho \"$@\" > '" + directory.resolve("args.txt") + "'\n"
                + "echo \"$OPENCODE_SERVER_PASSWORD\" > '" + directory.resolve("password.txt") + "'\n"
                + "printf '%s\\n' \"{\\\"type\\\":\\\"text\\\",\\\"sessionID\\\":\\\"ses_1\\\",\\\"part\\\":{\\\"id\\\":\\\"p1\\\","
                + "\\\"messageID\\\":\\\"m1\\\",\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"got: $prompt\\\",\\\"time\\\":{\\\"end\\\":1}}}\"";
        Path binary = dispatcherFor(script).options().binary();
        dispatcher.close();
        dispatcher = new CliDispatcher(CliOptions.of(binary, directory)
                .withAttach(ServerEndpoint.of("http://127.0.0.1:1", "opencode", "s3cret-pass")));
        // the attach client cannot reach 127.0.0.1:1: the verdict then comes from the lines' session over HTTP and fails,
        // so this test checks only the command line and environment
        failureOf(dispatcher.dispatch(request(false, Duration.ofSeconds(20)), new CliTaskOptions(List.of(Path.of("a.txt")), false, null)));
        String arguments = Files.readString(directory.resolve("args.txt"));
        assertThat(arguments).startsWith("run --format json ").contains("-m scripted/echo")
                .contains("--title t [attempt 1]").contains("--file " + directory.resolve("a.txt"))
                .contains("--attach http://127.0.0.1:1 --dir " + directory).doesNotContain("s3cret-pass").doesNotContain("the prompt");
        assertThat(Files.readString(directory.resolve("password.txt")).strip()).isEqualTo("s3cret-pass");
    }

    @Test
    void standardInputCarriesThePrompt() throws IOException {
        String script = "prompt=$(cat)\n"
                + "printf '%s\\n' \"{\\\"type\\\":\\\"text\\\",\\\"sessionID\\\":\\\"ses_1\\\",\\\"part\\\":{\\\"id\\\":\\\"p1\\\","
                + "\\\"messageID\\\":\\\"m1\\\",\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"got: $prompt\\\",\\\"time\\\":{\\\"end\\\":1}}}\"";
        DispatchResult result = dispatcherFor(script).dispatch(request(false, Duration.ofSeconds(20)), CliTaskOptions.NONE)
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(result.text()).isEqualTo("got: the prompt");
    }

    @Test
    void aFailingExitWithoutLinesIsAgentErrorWithStderr() throws IOException {
        OpenCodeFailureException failure = failureOf(dispatcherFor("echo 'Error: unknown model' >&2\nexit 3")
                .dispatch(request(false, Duration.ofSeconds(20)), CliTaskOptions.NONE));
        assertThat(failure.getKind()).isEqualTo(FailureKind.AGENT_ERROR);
        assertThat(failure.getMessage()).contains("exited with code 3").contains("Error: unknown model");
    }

    @Test
    void anErrorLineFailsWithItsKindSessionAndRetryAfter() throws IOException {
        Path lines = linesFile("429.ndjson", List.of(CliLines.apiError(429, "Rate limit", true, "{\"retry-after-ms\":\"1500\"}")));
        OpenCodeFailureException failure = failureOf(dispatcherFor("cat '" + lines + "'\nexit 1")
                .dispatch(request(false, Duration.ofSeconds(20)), CliTaskOptions.NONE));
        assertThat(failure.getKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(failure.getSessionId()).isEqualTo(CliLines.SESSION);
        assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(failure.getModel()).isEqualTo("scripted/echo");
    }

    @Test
    void proseGetsAStricterFollowUpInTheSameSession() throws IOException {
        Path prose = linesFile("prose.ndjson", List.of(CliLines.text("msg_1", "prt_1", "Sure, here you go"),
                CliLines.stepFinish("msg_1", "prt_2", "stop", 10, 5, 0)));
        Path json = linesFile("json.ndjson", List.of(CliLines.text("msg_2", "prt_3", "{\"fixed\": true}"),
                CliLines.stepFinish("msg_2", "prt_4", "stop", 20, 5, 0)));
        String script = "cat > '" + directory.resolve("stdin-$$.txt") + "'\n"
                + "if [[ \" $* \" == *\" --session " + CliLines.SESSION + " \"* ]]; then cat '" + json + "'; else cat '" + prose + "'; fi";
        DispatchResult result = dispatcherFor(script).dispatch(request(true, Duration.ofSeconds(20)), CliTaskOptions.NONE)
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(result.json().get("fixed").asBoolean()).isTrue();
        assertThat(result.tokens().input()).as("summed over both runs").isEqualTo(30);
    }

    @Test
    void aBudgetOverrunStopsTheRun() throws IOException {
        Path lines = linesFile("big.ndjson", List.of(CliLines.stepFinish("msg_1", "prt_1", "tool-calls", 5000, 10, 0)));
        DispatchRequest capped = request(false, Duration.ofSeconds(20)).withLimits(new DispatchLimits(1000L, null, 1));
        OpenCodeFailureException failure = failureOf(dispatcherFor("cat '" + lines + "'\nsleep 30")
                .dispatch(capped, CliTaskOptions.NONE));
        assertThat(failure.getKind()).isEqualTo(FailureKind.BUDGET_EXCEEDED);
        assertThat(failure.getTokens().input()).isEqualTo(5000);
    }

    @Test
    void theDeadlineKillsTheWholeProcessTree() throws IOException {
        Path pids = directory.resolve("pids.txt");
        // a child that would outlive a plain destroy() of the script
        String script = "sleep 300 &\necho $! >> '" + pids + "'\necho $$ >> '" + pids + "'\nwait";
        OpenCodeFailureException failure = failureOf(dispatcherFor(script).dispatch(request(false, Duration.ofMillis(1500)),
                CliTaskOptions.NONE));
        assertThat(failure.getKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(failure.getMessage()).contains("process tree was killed");
        List<Long> started = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
        assertThat(started).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(started)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse()));
        assertThat(dispatcher.inFlight()).isZero();
    }
}
