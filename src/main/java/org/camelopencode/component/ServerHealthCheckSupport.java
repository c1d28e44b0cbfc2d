package org.camelopencode.component;

import java.util.Optional;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * What the per-server readiness checks share: the component, the server's name (a fleet instance
 * name or a server URL), readiness only (a lost OpenCode server is no reason to restart this JVM),
 * group {@code opencode}, and finding the server among those in use now.
 */
abstract class ServerHealthCheckSupport extends AbstractHealthCheck {

    private final OpenCodeComponent component;
    private final String serverName;

    /**
     * @param idPrefix the check id's prefix; the server's name follows
     * @param component the component using the server
     * @param serverName the server's name
     */
    ServerHealthCheckSupport(String idPrefix, OpenCodeComponent component, String serverName) {
        super("opencode", idPrefix + serverName);
        this.component = component;
        this.serverName = serverName;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** @return the server's name */
    final String serverName() {
        return serverName;
    }

    /** @return the server as the component uses it now, or empty when it is not in use any more */
    final Optional<ServerInUse> serverInUse() {
        return component.serversInUse().stream().filter(server -> server.name().equals(serverName)).findFirst();
    }
}
