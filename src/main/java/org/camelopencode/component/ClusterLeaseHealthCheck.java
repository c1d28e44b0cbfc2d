package org.camelopencode.component;

import java.util.Map;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.camelopencode.ledger.LeaseHeartbeat;

/**
 * Readiness of this runner's lease in the cluster (README "Running several runners"): UP while its heartbeat renewed
 * within the lease, DOWN once it did not (its claims may be taken over by other runners; the message says why the
 * renewal failed). Details: {@code nodeId}, {@code clustered}, {@code renewals}, {@code lastRenewal} and
 * {@code leaseUntil} (ISO-8601, this runner's clock), {@code lastProblem} when the last renewal failed. Id
 * {@value #ID}, group {@code opencode}; readiness only.
 */
public final class ClusterLeaseHealthCheck extends AbstractHealthCheck {

    /** The check's id. */
    public static final String ID = "opencode-cluster-lease";

    private final OpenCodeComponent component;

    /** @param component the component whose heartbeat to report */
    public ClusterLeaseHealthCheck(OpenCodeComponent component) {
        super("opencode", ID);
        this.component = component;
    }

    /**
     * Registers the check in the component's context's health registry, once; nothing without a registry.
     *
     * @param component the component
     */
    static void registerOnce(OpenCodeComponent component) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(component.getCamelContext());
        if (registry == null) {
            return;
        }
        synchronized (component) {
            if (registry.getCheck(ID).isEmpty()) {
                ClusterLeaseHealthCheck check = new ClusterLeaseHealthCheck(component);
                check.setCamelContext(component.getCamelContext());
                registry.register(check);
            }
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        LeaseHeartbeat heartbeat = component.getHeartbeat();
        builder.detail("nodeId", component.getClusterNode().nodeId());
        builder.detail("clustered", component.getClusterNode().clustered());
        if (heartbeat == null) {
            builder.message("no ledger: no task claims, no lease").up();
            return;
        }
        LeaseHeartbeat.HeartbeatStatus status = heartbeat.status();
        builder.detail("renewals", status.renewals());
        builder.detail("lastRenewal", String.valueOf(status.lastRenewal()));
        builder.detail("leaseUntil", String.valueOf(status.leaseUntil()));
        if (status.lastProblem() != null) {
            builder.detail("lastProblem", status.lastProblem());
        }
        if (status.live()) {
            builder.up();
        } else {
            builder.message("node " + status.nodeId() + " has not renewed its lease since " + status.lastRenewal()
                    + (status.lastProblem() == null ? "" : ": " + status.lastProblem())
                    + "; other runners may take its tasks over").down();
        }
    }
}
