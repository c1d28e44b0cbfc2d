package org.camelopencode.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.main.Main;

/**
 * The camel-main runner: loads {@code application.properties} (the packaged defaults, then
 * {@code ./application.properties} when present; {@code -Dkey=value} and environment variables
 * such as {@code OPENCODE_SERVER_URL} override both) and the YAML routes ({@code ./routes/*.yaml}
 * when that folder exists, else the packaged {@code routes/}).
 *
 * <p>Start: {@code java -jar target/camel-opencode-runner.jar}. It stops on Ctrl-C (SIGTERM), and
 * stops the managed OpenCode server with it.
 */
public final class OpenCodeRunner {

    private OpenCodeRunner() {
    }

    /**
     * @param args camel-main arguments (for example {@code -durationMaxIdleSeconds 10})
     * @throws Exception when Camel cannot start
     */
    public static void main(String[] args) throws Exception {
        Main main = newMain();
        main.run(args);
    }

    /**
     * @return a camel-main set up as the runner, not yet started (tests start it themselves)
     */
    public static Main newMain() {
        // No main class: its package would be scanned and RunnerConfiguration added a second time.
        Main main = new Main();
        main.setPropertyPlaceholderLocations(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        String routes = Files.isDirectory(Path.of("routes")) ? "file:routes/*.yaml" : "classpath:routes/*.yaml";
        main.configure().withRoutesIncludePattern(routes);
        main.configure().addConfiguration(new RunnerConfiguration());
        return main;
    }
}
