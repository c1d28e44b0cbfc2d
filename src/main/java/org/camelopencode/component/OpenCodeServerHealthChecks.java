package org.camelopencode.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;

/**
 * The readiness checks of the OpenCode servers an {@link OpenCodeComponent} uses, as a Camel health-check repository
 * (id {@value #ID}): for each server (fleet instance or direct {@code serverUrl}, as they come and go) an
 * {@link OpenCodeServerHealthCheck} {@code opencode-server:<name>} and an {@link OpenCodeEventStreamHealthCheck}
 * {@code opencode-event-stream:<name>}. Served by camel-main's {@code /observe/health} when the management server is on.
 */
public final class OpenCodeServerHealthChecks implements HealthCheckRepository, CamelContextAware {

    /** The repository's id in the health registry. */
    public static final String ID = "opencode-servers";

    private final OpenCodeComponent component;
    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private boolean enabled = true;

    /**
     * Registers the readiness checks of a component's OpenCode servers in its context's health registry, once. Does
     * nothing without a registry.
     *
     * @param component the component
     */
    static void registerOnce(OpenCodeComponent component) {
        var registry = org.apache.camel.health.HealthCheckRegistry.get(component.getCamelContext());
        if (registry != null) {
            synchronized (component) {
                if (registry.getRepository(ID).isEmpty()) {
                    OpenCodeServerHealthChecks checks = new OpenCodeServerHealthChecks(component);
                    checks.setCamelContext(component.getCamelContext());
                    registry.register(checks);
                }
            }
        }
    }

    /** @param component the component whose servers to check */
    public OpenCodeServerHealthChecks(OpenCodeComponent component) {
        this.component = component;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** @return two checks per server in use now (the same check instances from call to call) */
    @Override
    public Stream<HealthCheck> stream() {
        if (!enabled) {
            return Stream.empty();
        }
        List<HealthCheck> current = new ArrayList<>();
        for (ServerInUse server : component.serversInUse()) {
            current.add(check(OpenCodeServerHealthCheck.PREFIX + server.name(),
                    id -> new OpenCodeServerHealthCheck(component, server.name())));
            current.add(check(OpenCodeEventStreamHealthCheck.PREFIX + server.name(),
                    id -> new OpenCodeEventStreamHealthCheck(component, server.name())));
        }
        return current.stream();
    }

    private HealthCheck check(String id, Function<String, HealthCheck> create) {
        return checks.computeIfAbsent(id, key -> {
            HealthCheck check = create.apply(key);
            if (check instanceof CamelContextAware aware) {
                aware.setCamelContext(camelContext);
            }
            return check;
        });
    }
}
