package org.camelopencode.component;

/**
 * The component with the same test servers for every endpoint (named, so Camel finds its generated configurers).
 */
@org.apache.camel.spi.annotations.Component("opencode")
final class ScriptedComponent extends OpenCodeComponent {

    private final OpenCodeServers servers;

    /** @param servers what every endpoint dispatches to */
    ScriptedComponent(OpenCodeServers servers) {
        this.servers = servers;
    }

    @Override
    OpenCodeServers serversFor(OpenCodeConfiguration endpointConfiguration) {
        return servers;
    }
}
