package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped routes started the way Camel JBang's {@code camel run} starts them (README "Camel JBang"): a plain
 * camel-main, not {@code OpenCodeRunner}, given only the {@code application.properties} file, the route files and the
 * configuration class through {@code camel.main.configurationClasses}. A task dropped in the inbox comes back as a
 * result record, so the component jar plus those settings are all {@code camel run} needs.
 */
class CamelRunIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main main;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void routesRunFromPropertiesRouteFilesAndTheConfigurationClassAlone() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("JBANG-TEXT")).reply(Reply.text("Run by plain camel-main."));
        Path work = Files.createTempDirectory("camel-run-");
        // What `camel run application.properties routes/*.yaml --dep=...` gives camel-main: files, no runner class.
        main = new Main();
        main.setPropertyPlaceholderLocations("file:application.properties");
        main.addOverrideProperty("camel.main.routesIncludePattern", "file:routes/*.yaml");
        main.addOverrideProperty("camel.main.configurationClasses", "org.camelopencode.runner.RunnerConfiguration");
        main.addOverrideProperty("opencode.server.url", openCode.server().baseUri().toString());
        main.addOverrideProperty("opencode.server.username", openCode.server().username());
        main.addOverrideProperty("opencode.server.password", openCode.server().password());
        main.addOverrideProperty("opencode.model", SharedOpenCode.MODEL);
        main.addOverrideProperty("opencode.inbox", work.resolve("inbox").toString());
        main.addOverrideProperty("opencode.outbox", work.resolve("outbox").toString());
        main.addOverrideProperty("opencode.dead-letter", work.resolve("dead-letter").toString());
        main.addOverrideProperty("opencode.jms.port", "-1");
        main.addOverrideProperty("opencode.jms.data-dir", work.resolve("broker").toString());
        main.addOverrideProperty("opencode.status.enabled", "false");
        main.start();

        Files.createDirectories(work.resolve("inbox"));
        Files.writeString(work.resolve("inbox/jbang-task.md"), "JBANG-TEXT: say hello\n");
        Path result = work.resolve("outbox/jbang-task.result.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result) && Files.size(result) > 0);
        JsonNode record = JSON.readTree(result.toFile());
        assertThat(record.path("text").asText()).isEqualTo("Run by plain camel-main.");
        try (Stream<String> routes = main.getCamelContext().getRoutes().stream().map(route -> route.getRouteId())) {
            assertThat(routes.toList()).contains("file-drop", "opencode-file-dead-letter", "opencode-status-page");
        }
    }
}
