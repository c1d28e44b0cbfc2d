package org.camelopencode.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Locating and asking the binary, with scripts and missing files ({@code ManagedOpenCodeServerLifecycleTest} asks the pinned one). */
class OpenCodeBinaryTest {

    @TempDir
    Path temporary;

    @Test
    void configuredPathThatDoesNotExistFailsWithInstallHint() {
        assertThatThrownBy(() -> OpenCodeBinary.locate(temporary.resolve("missing").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("./mvnw -DskipTests prepare-package");
    }

    @Test
    void configuredNonExecutableFileIsRejected() throws Exception {
        Path file = Files.writeString(temporary.resolve("opencode"), "not a program");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> OpenCodeBinary.locate(file.toString())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not executable");
    }

    /** As OpenCode 1.3.2 does when it cannot reach models.dev: the version first, a log line after it. */
    @Test
    void theVersionLineIsFoundBeforeLaterLogLines() throws Exception {
        Path script = Files.writeString(temporary.resolve("chatty"), "#!/bin/sh\necho 1.3.2\n"
                + "echo 'ERROR 2026-12-02T12:28:28 +1588ms service=models.dev error=Unable to connect.' >&2\n"
                + "[ \"$OPENCODE_DISABLE_MODELS_FETCH\" = 1 ] || exit 7\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        assertThat(OpenCodeBinary.version(script)).isEqualTo("1.3.2");
    }

    @Test
    void failingVersionCommandIsReported() throws Exception {
        Path script = Files.writeString(temporary.resolve("broken"), "#!/bin/sh\necho nope >&2\nexit 4\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> OpenCodeBinary.version(script)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exit 4").hasMessageContaining("nope");
    }

    @Test
    void optionsBuilderAppliesDefaultsAndHidesSecrets() throws Exception {
        ManagedServerOptions options = ManagedServerOptions.builder()
                .binary(Path.of("/bin/true"))
                .environment(Map.of("OPENAI_API_KEY", "sk-secret-value"))
                .configJson("{\"provider\":{\"x\":{\"options\":{\"apiKey\":\"sk-config-secret\"}}}}")
                .build();

        assertThat(options.hostname()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isZero();
        assertThat(options.username()).isEqualTo("opencode");
        assertThat(options.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.projectDirectory()).isEqualTo(options.stateDirectory().resolve("project")).isDirectory();
        assertThat(options.toString()).contains("OPENAI_API_KEY").doesNotContain("sk-secret-value").doesNotContain("sk-config-secret");
        Files.delete(options.projectDirectory());
        Files.delete(options.stateDirectory());
    }
}
