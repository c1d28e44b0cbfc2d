package org.camelopencode.component;

import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.camelopencode.client.Health;
import org.camelopencode.server.InstanceState;

/**
 * Readiness of one OpenCode server (fleet instance or direct {@code serverUrl}): reads {@code GET /global/health} now.
 * DOWN when no server runs for it, the fleet supervisor does not see it {@code HEALTHY} (starting, unhealthy,
 * restarting, draining, failed), or the request fails or answers {@code healthy: false}. Details: {@code url} (no
 * credentials), {@code state} (fleet only), {@code restarts}, {@code version}. Id {@code opencode-server:<name>},
 * group {@code opencode}; readiness only (a lost server is no reason to restart this JVM).
 */
public final class OpenCodeServerHealthCheck extends ServerHealthCheckSupport {

    /** Prefix of the check's id; the server's name follows. */
    public static final String PREFIX = "opencode-server:";

    /**
     * @param component  the component using the server
     * @param serverName the server's name ({@code instance-1}, or its URL)
     */
    public OpenCodeServerHealthCheck(OpenCodeComponent component, String serverName) {
        super(PREFIX, component, serverName);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<ServerInUse> found = serverInUse();
        if (found.isEmpty()) {
            builder.message("OpenCode server " + serverName() + " is no longer in use").down();
            return;
        }
        ServerInUse server = found.get();
        builder.detail("url", server.url());
        builder.detail("restarts", server.restarts());
        if (server.state() != null) {
            builder.detail("state", server.state().name());
        }
        if (server.connection() == null) {
            builder.message("no OpenCode server runs for " + serverName()
                    + (server.lastProblem().isEmpty() ? "" : ": " + server.lastProblem())).down();
            return;
        }
        Health health;
        try {
            health = server.connection().client().health();
        } catch (RuntimeException unreachable) {
            builder.message("GET /global/health on " + server.url() + " failed: " + unreachable.getMessage()).down();
            return;
        }
        builder.detail("version", health.version() == null ? "" : health.version());
        if (!health.healthy()) {
            builder.message("GET /global/health on " + server.url() + " answered healthy=false").down();
        } else if (server.state() != null && server.state() != InstanceState.HEALTHY) {
            builder.message("OpenCode server " + serverName() + " is " + server.state()
                    + (server.lastProblem().isEmpty() ? "" : ": " + server.lastProblem())).down();
        } else {
            builder.up();
        }
    }
}
