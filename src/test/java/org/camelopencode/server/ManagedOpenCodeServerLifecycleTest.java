package org.camelopencode.server;

import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ManagedOpenCodeServerLifecycleTest {

    @TempDir
    Path temporary;

    @Test
    void locatesThePinnedBinaryAndReadsItsVersion() {
        Path binary = OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY));

        assertThat(Files.isExecutable(binary)).isTrue();
        assertThat(OpenCodeBinary.version(binary)).isEqualTo("1.18.33");
    }

    @Test
    void closeStopsTheWholeProcessTreeAndThePasswordNeverReachesTheLogs() throws Exception {
        try (ScriptedModelServer model = ScriptedModelServer.start()) {
            model.when(RequestMatcher.promptContains("T-SLEEP")).reply(Reply.toolCall("bash", "{\"command\":\"sleep 300\"}"), Reply.text("done"));
            ManagedOpenCodeServer server = ManagedOpenCodeServer.start(ManagedServerOptions.builder()
                    .binary(OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY)))
                    .stateDirectory(temporary.resolve("state"))
                    .config(new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo")
                            .model("scripted/echo").smallModel("scripted/echo").permission("bash", "allow"))
                    .build());
            String password = server.password();
            OpenCodeTestHttp http = new OpenCodeTestHttp(server);
            assertThat(server.projectDirectory()).isEqualTo(temporary.resolve("state/project"));
            assertThat(http.promptAsync(http.createSession(), "T-SLEEP")).isEqualTo(204);
            ProcessHandle root = ProcessHandle.of(server.pid()).orElseThrow();
            await().atMost(Duration.ofSeconds(20)).until(() -> root.descendants()
                    .anyMatch(child -> child.info().commandLine().orElse("").contains("sleep 300")));
            List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();

            server.close();
            server.close();

            assertThat(server.isAlive()).isFalse();
            assertThat(tree).noneMatch(ProcessHandle::isAlive);
            assertThat(Files.readString(server.logFile())).contains("opencode server listening on").doesNotContain(password);
            try (Stream<Path> files = Files.walk(temporary.resolve("state"))) {
                for (Path file : files.filter(Files::isRegularFile).filter(path -> path.toString().endsWith(".log")).toList()) {
                    assertThat(Files.readString(file)).as(file.toString()).doesNotContain(password);
                }
            }
        }
    }

    @Test
    void failedStartThrowsWithTheLogTailAndTheRedactedPassword() throws IOException {
        Path fakeBinary = temporary.resolve("fake-opencode");
        Files.writeString(fakeBinary, "#!/bin/sh\necho \"starting with $OPENCODE_SERVER_PASSWORD as $OPENCODE_SERVER_USERNAME\"\n"
                + "echo 'fatal: cannot start' >&2\nexit 3\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeBinary, PosixFilePermissions.fromString("rwx------"));
        ManagedServerOptions options = ManagedServerOptions.builder().binary(fakeBinary)
                .stateDirectory(temporary.resolve("state")).startTimeout(Duration.ofSeconds(10)).build();

        assertThatThrownBy(() -> ManagedOpenCodeServer.start(options))
                .isInstanceOf(ManagedServerException.class)
                .hasMessageContaining(options.stateDirectory().resolve(ManagedOpenCodeServer.LOG_FILE_NAME).toString())
                .hasMessageContaining("fatal: cannot start")
                .hasMessageContaining("starting with <redacted> as opencode");
        assertThat(Files.readString(options.stateDirectory().resolve(ManagedOpenCodeServer.LOG_FILE_NAME)))
                .contains("starting with <redacted> as opencode");
    }

    @Test
    void serverThatNeverListensTimesOutAndIsStopped() throws IOException {
        Path fakeBinary = temporary.resolve("silent-opencode");
        Files.writeString(fakeBinary, "#!/bin/sh\necho $$ > \"$HOME/pid\"\nexec sleep 300\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeBinary, PosixFilePermissions.fromString("rwx------"));
        ManagedServerOptions options = ManagedServerOptions.builder().binary(fakeBinary)
                .stateDirectory(temporary.resolve("state")).startTimeout(Duration.ofMillis(1500)).build();

        assertThatThrownBy(() -> ManagedOpenCodeServer.start(options))
                .isInstanceOf(ManagedServerException.class)
                .hasMessageContaining("listening");
        long pid = Long.parseLong(Files.readString(temporary.resolve("state/home/pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
