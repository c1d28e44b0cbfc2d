package org.camelopencode.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every {@code opencode} process this library starts shares, whether {@code opencode serve}
 * ({@link ManagedOpenCodeServer}) or {@code opencode run} (the CLI transport): no inherited OpenCode setting, no
 * network feature a dispatch does not need, and optionally a private HOME with its XDG folders. Stateless.
 */
public final class OpenCodeEnvironment {

    private OpenCodeEnvironment() {
    }

    /**
     * Removes every inherited {@code OPENCODE_*} variable but {@code OPENCODE_API_KEY} (the user's provider key for
     * OpenCode Zen is theirs to pass on) and turns off auto-update, model-list fetches, sharing and LSP downloads.
     *
     * @param environment a process builder's environment, changed in place
     */
    public static void isolate(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("OPENCODE_") && !name.equals("OPENCODE_API_KEY"));
        environment.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        environment.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        environment.put("OPENCODE_DISABLE_SHARE", "1");
        environment.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
    }

    /**
     * @param stateDirectory a folder holding the process's private state
     * @return {@code HOME} ({@code stateDirectory/home}) and {@code XDG_CONFIG_HOME}, {@code XDG_DATA_HOME},
     *     {@code XDG_CACHE_HOME}, {@code XDG_STATE_HOME} under it, by variable name; the folders are not created
     */
    public static Map<String, Path> privateHome(Path stateDirectory) {
        Path home = stateDirectory.resolve("home");
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("HOME", home);
        folders.put("XDG_CONFIG_HOME", home.resolve(".config"));
        folders.put("XDG_DATA_HOME", home.resolve(".local/share"));
        folders.put("XDG_CACHE_HOME", home.resolve(".cache"));
        folders.put("XDG_STATE_HOME", home.resolve(".local/state"));
        return folders;
    }
}
