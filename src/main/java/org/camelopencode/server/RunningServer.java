package org.camelopencode.server;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * One running OpenCode server as the {@link OpenCodeFleet} sees it: a managed {@code opencode serve} process
 * ({@link ManagedOpenCodeServer}) or an external server it only watches ({@link ExternalServer}).
 */
public interface RunningServer extends AutoCloseable {

    /** @return the base URL, e.g. {@code http://127.0.0.1:4096}, without user info or trailing slash */
    URI baseUri();

    /** @return the Basic-auth user name */
    String username();

    /** @return the Basic-auth password, or null when the server needs none (never logged) */
    String password();

    /** @return the operating-system process id, or -1 when the process is not ours (external server) */
    long pid();

    /** @return the version the server reported when it became healthy, or empty when unknown */
    String version();

    /** @return whether the process runs (always true for an external server: only its health tells) */
    boolean isAlive();

    /** @return completes with the exit code when the process ends; never completes for an external server */
    CompletableFuture<Integer> onExit();

    /**
     * @return resident memory of the process and its descendants in bytes (sum of {@code VmRSS} in
     *     {@code /proc/<pid>/status}), or -1 when unknown (external server, no {@code /proc})
     */
    default long memoryBytes() {
        return pid() < 0 ? -1 : ProcessMemory.residentBytesOfTree(pid());
    }

    /** Stops the server (managed: TERM to the process tree, then KILL); a no-op for an external server. */
    @Override
    void close();
}
