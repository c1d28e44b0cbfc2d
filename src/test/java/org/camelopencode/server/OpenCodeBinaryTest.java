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
