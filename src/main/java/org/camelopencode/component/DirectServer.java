package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.interaction.Approval;
import org.camelopencode.interaction.Approvals;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.InstanceState;

/**
 * One directly configured {@code serverUrl}, used as is: unsupervised, one shared {@link ServerConnection} (client,
 * event stream, dispatcher) for every endpoint that names the same server, credentials and timeouts, opened on first
 * use (again after {@link #close()}). Its name in messages, records and health checks is its base URL.
 */
final class DirectServer implements OpenCodeServers {

    private final Supplier<ServerConnection> connector;
    private volatile ServerConnection connection;

    /** @param connector opens the connection, called once on first use */
    DirectServer(Supplier<ServerConnection> connector) {
        this.connector = connector;
    }

    @Override
    public synchronized ServerConnection primaryConnection() {
        if (connection == null) {
            connection = connector.get();
        }
        return connection;
    }

    @Override
    public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
        return primaryConnection().dispatch(request, listener);
    }

    @Override
    public CompletableFuture<DispatchResult> attach(DispatchRequest request, String serverName, String sessionId) {
        return primaryConnection().attach(request, sessionId);
    }

    @Override
    public OpenCodeClient clientFor(String sessionId) {
        return primaryConnection().client();
    }

    @Override
    public Session createSession(String title) {
        return primaryConnection().client().createSession(title);
    }

    @Override
    public String approve(Approval approval) {
        return Approvals.apply(primaryConnection().client(), approval);
    }

    @Override
    public Optional<Path> projectDirectory() {
        return Optional.empty();
    }

    /** @return this server's status with its health read now ({@code GET /global/health}); empty before the first use */
    @Override
    public List<InstanceReport> reports() {
        ServerConnection current = connection;
        if (current == null) {
            return List.of();
        }
        String version = "";
        String problem = "";
        boolean healthy;
        try {
            var health = current.client().health();
            healthy = health.healthy();
            version = health.version() == null ? "" : health.version();
        } catch (RuntimeException unreachable) {
            healthy = false;
            problem = unreachable.getMessage() == null ? unreachable.toString() : unreachable.getMessage();
        }
        return List.of(new InstanceReport(current.name(), url(current), false, -1, version,
                healthy ? InstanceState.HEALTHY : InstanceState.UNHEALTHY, healthy, current.inFlight(), -1, Duration.ZERO, 0, 0, 0,
                problem));
    }

    @Override
    public List<ServerInUse> inUse() {
        ServerConnection current = connection;
        return current == null ? List.of() : List.of(new ServerInUse(current.name(), url(current), null, 0, "", current));
    }

    @Override
    public List<DispatchProgress> progress() {
        ServerConnection current = connection;
        return current == null ? List.of() : current.dispatcher().progress();
    }

    /** Closes the connection; a later use opens a new one (the component may be started again). */
    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private static String url(ServerConnection connection) {
        return connection.client().endpoint().baseUri().toString();
    }
}
