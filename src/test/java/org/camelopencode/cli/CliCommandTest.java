package org.camelopencode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchRequest;
import org.junit.jupiter.api.Test;

class CliCommandTest {

    private static final Path BINARY = Path.of("/opt/opencode/bin/opencode");
    private static final Path PROJECT = Path.of("/work/project");
    private static final DispatchRequest REQUEST = DispatchRequest.of("Say hello.", Duration.ofMinutes(1)).withModel("scripted/echo");

    /** OpenCode 1.1.65 has no {@code --dir}: a local run says its folder through the working directory and PWD only. */
    @Test
    void aLocalRunHasNoDirFlag() {
        List<String> command = CliCommand.arguments(CliOptions.of(BINARY, PROJECT), REQUEST, CliTaskOptions.NONE, null);

        assertThat(command).startsWith(BINARY.toString(), "run", "--format", "json", "-m", "scripted/echo", "--title")
                .doesNotContain("--dir", "--attach");
    }

    @Test
    void anAttachedRunNamesTheProjectPathOnTheServer() {
        CliOptions options = CliOptions.of(BINARY, PROJECT).withAttach(ServerEndpoint.of("http://127.0.0.1:4096", null, "secret-Pa55"));

        List<String> command = CliCommand.arguments(options, REQUEST, CliTaskOptions.NONE, null);

        assertThat(command).endsWith("--attach", "http://127.0.0.1:4096", "--dir", PROJECT.toString());
        assertThat(String.join(" ", command)).doesNotContain("secret-Pa55");
    }

    @Test
    void theEnvironmentCarriesTheProjectFolderAsPwd() {
        java.util.Map<String, String> environment = new java.util.HashMap<>(java.util.Map.of("PWD", "/somewhere/else"));

        CliCommand.prepareEnvironment(environment, CliOptions.of(BINARY, PROJECT));

        assertThat(environment).containsEntry("PWD", PROJECT.toString());
    }
}
