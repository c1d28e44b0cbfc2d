package org.camelopencode.component;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.interaction.Approval;
import org.camelopencode.server.InstanceReport;

/**
 * The OpenCode servers an endpoint works with, chosen once per endpoint by {@link OpenCodeComponent#serversFor}: one
 * directly configured {@code serverUrl} ({@link DirectServer}) or the fleet of managed and external servers
 * ({@link FleetServers}). Both connect on first use, not when chosen. Thread-safe.
 */
interface OpenCodeServers extends AutoCloseable {

    /**
     * Starts one dispatch attempt on a server (the fleet: the least busy healthy one, waiting for a free slot up to the
     * request's timeout).
     *
     * @param request the attempt
     * @param listener told the new session by the dispatcher ({@link AttemptListener#sessionCreated}); the caller tells
     *     it the end
     * @return completes with the checked result, or exceptionally with an
     *     {@link org.camelopencode.failure.OpenCodeFailureException}: {@code provider_unavailable} at once when the
     *     attempt's server is lost
     * @throws org.camelopencode.server.ManagedServerException when the fleet's managed servers cannot start
     */
    CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener);

    /**
     * Re-attaches to a session a dead runner recorded ({@link org.camelopencode.dispatch.Dispatcher#attach}).
     *
     * @param request the attempt as it was dispatched
     * @param serverName the server it was recorded on (fleet instance name or URL), or {@code null}
     * @param sessionId the recorded session
     * @return its outcome; {@code provider_unavailable} ("lost") when no server knows the session
     */
    CompletableFuture<DispatchResult> attach(DispatchRequest request, String serverName, String sessionId);

    /**
     * @param sessionId the session an operation addresses, or {@code null}/blank for none
     * @return the client of the server holding that session (the fleet: remembered, else found with
     *     {@code GET /session/{id}}), else of the least busy healthy server
     */
    OpenCodeClient clientFor(String sessionId);

    /**
     * Creates a session ({@code POST /session}) on the least busy server and remembers where it lives.
     *
     * @param title the session title, or {@code null}
     * @return the new session
     */
    Session createSession(String title);

    /**
     * Applies an approval on the server where its request is pending ({@code GET /permission} or {@code GET /question},
     * then the reply).
     *
     * @param approval the approval
     * @return the approved request's session
     * @throws org.camelopencode.interaction.Approvals.ApprovalNotPendingException when no server lists it
     */
    String approve(Approval approval);

    /**
     * @return the connection whose shared {@code GET /global/event} stream the events consumer reads and whose server
     *     {@code cliAttach} runs attach to (the fleet: its first running instance); connects on first call
     */
    ServerConnection primaryConnection();

    /**
     * @return the folder the server's agents work in when it is known here (the fleet: {@code managedProjectDirectory},
     *     else the first managed instance's), empty for an external server
     */
    Optional<Path> projectDirectory();

    /** @return one status report per server, health read now for a direct server; empty before the first connection */
    List<InstanceReport> reports();

    /** @return the servers in use now with their connections, for the health checks; empty before the first connection */
    List<ServerInUse> inUse();

    /** @return what every attempt in flight on these servers is doing, from its session's events */
    List<DispatchProgress> progress();

    /** Closes the connections (their attempts fail) and stops the fleet's managed servers. */
    @Override
    void close();
}
