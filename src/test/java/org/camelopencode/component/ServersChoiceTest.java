package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The servers of an endpoint are chosen once, from its {@code serverUrl}: a {@link DirectServer} shared by every
 * endpoint naming the same server and credentials, else the component's one {@link FleetServers}. Choosing connects to
 * nothing and starts nothing (the URLs here answer nothing; no fleet is started).
 */
class ServersChoiceTest {

    @Test
    void aServerUrlChoosesOneSharedDirectServerPerServerAndCredentials() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeEndpoint first = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:1", OpenCodeEndpoint.class);
            OpenCodeEndpoint sameServer = context.getEndpoint("opencode:status?serverUrl=http://127.0.0.1:1", OpenCodeEndpoint.class);
            OpenCodeEndpoint otherPassword = context.getEndpoint("opencode:status?serverUrl=http://127.0.0.1:1&password=other",
                    OpenCodeEndpoint.class);
            OpenCodeEndpoint otherServer = context.getEndpoint("opencode:health?serverUrl=http://127.0.0.1:2", OpenCodeEndpoint.class);

            assertThat(first.servers()).isInstanceOf(DirectServer.class).isSameAs(first.servers()).isSameAs(sameServer.servers());
            assertThat(otherPassword.servers()).isInstanceOf(DirectServer.class).isNotSameAs(first.servers());
            assertThat(otherServer.servers()).isInstanceOf(DirectServer.class).isNotSameAs(first.servers());
            OpenCodeComponent component = first.getComponent();
            assertThat(component.fleetStatus()).as("nothing connected yet").isEmpty();
            assertThat(component.serversInUse()).isEmpty();
            assertThat(first.servers().projectDirectory()).as("an external server's folder is not known here").isEmpty();
        }
    }

    @Test
    void noServerUrlChoosesTheComponentsFleetWithoutStartingIt() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
            component.getFleetConfiguration().setManagedInstances(2);
            OpenCodeEndpoint dispatch = context.getEndpoint("opencode:dispatch", OpenCodeEndpoint.class);
            OpenCodeEndpoint status = context.getEndpoint("opencode:status?timeout=PT1M", OpenCodeEndpoint.class);
            OpenCodeEndpoint direct = context.getEndpoint("opencode:status?serverUrl=http://127.0.0.1:1", OpenCodeEndpoint.class);

            assertThat(dispatch.servers()).isInstanceOf(FleetServers.class).isSameAs(status.servers());
            assertThat(direct.servers()).isInstanceOf(DirectServer.class);
            assertThat(component.fleetStatus()).as("the fleet starts on first use, not when chosen").isEmpty();
            assertThat(component.inFlightProgress()).isEmpty();
        }
    }

    @Test
    void theEndpointKeepsItsChoice() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeEndpoint endpoint = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:1", OpenCodeEndpoint.class);
            OpenCodeServers chosen = endpoint.servers();
            endpoint.getConfiguration().setServerUrl(null);
            endpoint.getConfiguration().setTimeout(Duration.ofSeconds(1));
            assertThat(endpoint.servers()).isSameAs(chosen);
        }
    }
}
