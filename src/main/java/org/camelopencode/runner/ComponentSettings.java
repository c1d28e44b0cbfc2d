package org.camelopencode.runner;

import java.util.List;
import java.util.OptionalLong;
import org.camelopencode.component.InteractionConfiguration;
import org.camelopencode.component.ManagedFleetConfiguration;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConfiguration;
import org.camelopencode.component.ServicesConfiguration;
import org.camelopencode.component.WorkspaceConfiguration;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.task.Durations.BareNumber;
import org.camelopencode.testkit.ScriptedModelServer;
import org.camelopencode.workspace.WorkspaceMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the {@code opencode} component's options from the runner's keys (README "Settings"): the server or the fleet,
 * the model (or the OFFLINE scripted demo model), timeouts, policies and the progress interval. A key left unset keeps
 * the component option's own default.
 */
final class ComponentSettings {

    /** Environment variables that mean a real model provider is configured. */
    static final List<String> PROVIDER_KEYS = List.of("OPENCODE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
            "OPENROUTER_API_KEY", "GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "GROQ_API_KEY", "MISTRAL_API_KEY",
            "DEEPSEEK_API_KEY", "XAI_API_KEY", "AZURE_OPENAI_API_KEY");

    private static final Logger LOG = LoggerFactory.getLogger(RunnerConfiguration.class);
    private static final String OFFLINE_PROVIDER = "offline";
    private static final String OFFLINE_MODEL = "demo";

    private ComponentSettings() {
    }

    /**
     * @param component the component to configure (before its endpoints are created)
     * @param settings the runner's properties
     * @return one line saying which server is used, for the start-up summary
     * @throws IllegalArgumentException when a value is malformed, naming its key
     */
    static String apply(OpenCodeComponent component, RunnerProperties settings) {
        OpenCodeConfiguration configuration = component.getConfiguration();
        String serverUrl = settings.get("opencode.server.url");
        String model = settings.get("opencode.model");
        configuration.setServerUrl(serverUrl);
        String username = settings.get("opencode.server.username");
        if (username != null) {
            configuration.setUsername(username);
        }
        configuration.setPassword(settings.get("opencode.server.password"));
        configuration.setMinServerVersion(settings.get("opencode.server.min-version"));
        configuration.setModel(model);
        settings.duration("opencode.timeout", BareNumber.SECONDS).ifPresent(configuration::setTimeout);
        InteractionConfiguration interaction = component.getInteractionConfiguration();
        interaction.setPermissionPolicy(settings.get("opencode.permission-policy"));
        interaction.setQuestionPolicy(settings.get("opencode.question-policy"));
        settings.duration("opencode.approvals.time-to-live", BareNumber.SECONDS).ifPresent(interaction::setApprovalTimeToLive);
        configuration.setWorkspacesRoot(settings.get("opencode.workspaces.root"));
        ServicesConfiguration services = component.getServicesConfiguration();
        settings.duration("opencode.progress-interval", BareNumber.SECONDS).ifPresent(services::setProgressInterval);
        settings.duration("opencode.sessions.retention", BareNumber.SECONDS).ifPresent(services::setSessionRetention);
        applyWorkspace(component.getWorkspaceConfiguration(), settings);
        if (serverUrl != null) {
            return "Using the OpenCode server at " + serverUrl + " as user " + configuration.getUsername();
        }
        ManagedFleetConfiguration fleet = component.getFleetConfiguration();
        fleet.setBinary(settings.get("opencode.binary"));
        fleet.setManagedStateDirectory(settings.get("opencode.state-dir"));
        fleet.setManagedProjectDirectory(settings.get("opencode.project-dir"));
        applyFleet(fleet, settings);
        fleet.setManagedConfig(serverConfig(component, settings, model).toJson());
        return "No opencode.server.url: starting " + fleet.getManagedInstances() + " managed OpenCode server(s) with the routes"
                + " (state in " + RunnerConfiguration.absolute(settings, "opencode.state-dir") + ", agents work in "
                + RunnerConfiguration.absolute(settings, "opencode.project-dir") + ")"
                + (fleet.getServerUrls() == null ? "" : " and using the servers " + fleet.getServerUrls());
    }

    /** The keys {@code opencode.workspace}, {@code opencode.git.user-name} and {@code opencode.git.user-email} (README "Workspaces"). */
    private static void applyWorkspace(WorkspaceConfiguration workspace, RunnerProperties settings) {
        String mode = settings.get("opencode.workspace");
        if (mode != null) {
            try {
                workspace.setWorkspace(WorkspaceMode.parse(mode).wireName());
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException("opencode.workspace: " + unknown.getMessage(), unknown);
            }
        }
        String name = settings.get("opencode.git.user-name");
        if (name != null) {
            workspace.setGitUserName(name);
        }
        String email = settings.get("opencode.git.user-email");
        if (email != null) {
            workspace.setGitUserEmail(email);
        }
    }

    /** The {@code opencode.managed.*} and {@code opencode.server.urls} keys (README "Fleet"). */
    private static void applyFleet(ManagedFleetConfiguration fleet, RunnerProperties settings) {
        String externalUrls = settings.get("opencode.server.urls");
        fleet.setServerUrls(externalUrls);
        OptionalLong instances = settings.optionalNumber("opencode.managed.instances");
        if (instances.isPresent()) {
            fleet.setManagedInstances(Math.toIntExact(instances.getAsLong()));
        } else if (externalUrls != null) {
            // External servers listed and no instance count: only they are used.
            fleet.setManagedInstances(0);
        }
        settings.optionalNumber("opencode.managed.max-sessions-per-server")
                .ifPresent(max -> fleet.setMaxSessionsPerServer(Math.toIntExact(max)));
        settings.optionalNumber("opencode.managed.recycle-after-sessions").ifPresent(fleet::setManagedRecycleAfterSessions);
        String recycleAbove = settings.get("opencode.managed.recycle-above-memory");
        if (recycleAbove != null) {
            fleet.setManagedRecycleAboveMemory(recycleAbove);
        }
        settings.duration("opencode.managed.drain-timeout", BareNumber.SECONDS).ifPresent(fleet::setManagedDrainTimeout);
        settings.duration("opencode.managed.health-interval", BareNumber.SECONDS).ifPresent(fleet::setManagedHealthInterval);
        String logSizeLimit = settings.get("opencode.managed.log-size-limit");
        if (logSizeLimit != null) {
            fleet.setManagedLogSizeLimit(logSizeLimit);
        }
    }

    /**
     * The managed servers' OpenCode config: the model when one is set; with neither a model nor a provider key in the
     * environment, the scripted demo model, started here and stopped with the component (OFFLINE, said at WARN).
     */
    private static OpenCodeConfig serverConfig(OpenCodeComponent component, RunnerProperties settings, String model) {
        OpenCodeConfig serverConfig = new OpenCodeConfig();
        if (model == null && configuredProviderKey() == null) {
            ScriptedModelServer scriptedModel = ScriptedModelServer.start();
            component.closeWithComponent(scriptedModel);
            serverConfig.scriptedProvider(OFFLINE_PROVIDER, scriptedModel.baseUri(), OFFLINE_MODEL)
                    .model(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL)
                    .smallModel(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL);
            component.getConfiguration().setModel(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL);
            LOG.warn("OFFLINE DEMO: no model provider is configured (no opencode.model, no provider API key in the"
                    + " environment), so the managed OpenCode server answers with the scripted demo model at {}."
                    + " Set opencode.model=provider/model (for example opencode/gpt-5-nano) or a provider key to use a real model.",
                    scriptedModel.baseUri());
        } else if (model != null) {
            serverConfig.model(model);
        }
        return serverConfig;
    }

    private static String configuredProviderKey() {
        return PROVIDER_KEYS.stream().filter(key -> {
            String value = System.getenv(key);
            return value != null && !value.isBlank();
        }).findFirst().orElse(null);
    }
}
