package org.camelopencode.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;
import org.camelopencode.runner.OpenCodeRunner;
import java.time.Duration;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.ScriptedModelServer;

/**
 * One real {@code opencode serve} (the pinned binary) driven by one scripted model, shared by the
 * integration tests of this JVM: starting a server costs seconds. Each test scripts its own replies
 * keyed by a marker in its prompt, so tests do not see each other's replies.
 *
 * <p>Config: provider {@code scripted} with models {@code echo} and {@code fallback};
 * {@code permission.bash = ask}, so a scripted bash tool call raises a permission request.
 */
public final class SharedOpenCode {

    /** The model every test dispatches to. */
    public static final String MODEL = "scripted/echo";

    private static SharedOpenCode instance;

    private final ScriptedModelServer model;
    private final ManagedOpenCodeServer server;

    private SharedOpenCode() throws Exception {
        model = ScriptedModelServer.start();
        server = startServer(model);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            model.close();
        }, "shared-opencode-stop"));
    }

    private static ManagedOpenCodeServer startServer(ScriptedModelServer model) throws Exception {
        Path state = Files.createTempDirectory("opencode-it-");
        OpenCodeConfig config = new OpenCodeConfig()
                .scriptedProvider("scripted", model.baseUri(), "echo", "fallback")
                .model(MODEL)
                .smallModel(MODEL)
                .permission("bash", "ask");
        return ManagedOpenCodeServer.start(ManagedServerOptions.builder()
                .binary(OpenCodeBinary.locate(null))
                .stateDirectory(state)
                .startTimeout(Duration.ofSeconds(90))
                .config(config)
                .build());
    }

    /**
     * Another {@code opencode serve} of its own (state directory, port, password) with the same config and the same
     * scripted model, for tests where runners must not share a server; the caller closes it.
     *
     * @return the started server
     * @throws Exception when it cannot start
     */
    public ManagedOpenCodeServer startAnotherServer() throws Exception {
        return startServer(model);
    }

    /**
     * @return the shared server, started on first call
     * @throws Exception when it cannot start
     */
    public static synchronized SharedOpenCode get() throws Exception {
        if (instance == null) {
            instance = new SharedOpenCode();
        }
        return instance;
    }

    /** @return the scripted model */
    public ScriptedModelServer model() {
        return model;
    }

    /** @return the managed server */
    public ManagedOpenCodeServer server() {
        return server;
    }

    /**
     * The environment of a runner process (the runnable jar) on this server and model, with the file drop's folders
     * {@code in}, {@code out} and {@code failed} relative to its working folder.
     *
     * @param timeout the per-attempt deadline ({@code OPENCODE_TIMEOUT}, ISO-8601)
     * @param more further variables, for example {@code OPENCODE_CONCURRENCY}; they win over the ones above
     * @return the variables
     */
    public Map<String, String> runnerEnvironment(String timeout, Map<String, String> more) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "OPENCODE_SERVER_URL", server.baseUri().toString(),
                "OPENCODE_SERVER_USERNAME", server.username(),
                "OPENCODE_SERVER_PASSWORD", server.password(),
                "OPENCODE_MODEL", MODEL,
                "OPENCODE_INBOX", "in",
                "OPENCODE_OUTBOX", "out",
                "OPENCODE_DEAD_LETTER", "failed",
                "OPENCODE_TIMEOUT", timeout));
        environment.putAll(more);
        return environment;
    }

    /**
     * The shipped runner (camel-main, packaged routes) pointed at this server and model, with its
     * folders under {@code work}: {@code inbox}, {@code outbox}, {@code dead-letter} and the embedded
     * broker's journal in {@code broker} (in-VM only, no TCP port). Not started: tests add their own
     * properties first; a later {@code addOverrideProperty} of the same key wins.
     *
     * @param work the test's work folder
     * @return the runner
     */
    public Main newRunner(Path work) {
        Main runner = OpenCodeRunner.newMain();
        runner.addOverrideProperty("opencode.server.url", server.baseUri().toString());
        runner.addOverrideProperty("opencode.server.username", server.username());
        runner.addOverrideProperty("opencode.server.password", server.password());
        runner.addOverrideProperty("opencode.model", MODEL);
        runner.addOverrideProperty("opencode.inbox", work.resolve("inbox").toString());
        runner.addOverrideProperty("opencode.outbox", work.resolve("outbox").toString());
        runner.addOverrideProperty("opencode.dead-letter", work.resolve("dead-letter").toString());
        runner.addOverrideProperty("opencode.jms.port", "-1");
        runner.addOverrideProperty("opencode.jms.data-dir", work.resolve("broker").toString());
        // No management server by default: runners of one JVM would share its port. OperabilityIntegrationTest turns it on.
        runner.addOverrideProperty("opencode.management.enabled", "false");
        // No status page by default: runners of one JVM (and other builds on this machine) would share its port.
        runner.addOverrideProperty("opencode.status.enabled", "false");
        return runner;
    }

    /**
     * An {@code opencode:} component pointed at this server (its URL and credentials) and {@link #MODEL}, not yet added
     * to a context: tests set their own further options first.
     *
     * @param timeout the dispatch timeout option, e.g. {@code PT60S}
     * @return the component
     */
    public OpenCodeComponent newComponent(String timeout) {
        OpenCodeComponent component = new OpenCodeComponent();
        component.getConfiguration().setServerUrl(server.baseUri().toString());
        component.getConfiguration().setUsername(server.username());
        component.getConfiguration().setPassword(server.password());
        component.getConfiguration().setModel(MODEL);
        component.getConfiguration().setTimeout(java.time.Duration.parse(timeout));
        return component;
    }

    /** @return a new client of the server with its credentials */
    public OpenCodeClient newClient() {
        return new OpenCodeClient(ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password()),
                ClientOptions.defaults());
    }
}
