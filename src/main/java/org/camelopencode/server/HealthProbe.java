package org.camelopencode.server;

/** Asks a server whether it is healthy; the {@link OpenCodeFleet}'s supervisor calls it for every instance. */
@FunctionalInterface
public interface HealthProbe {

    /**
     * @param server the server to ask
     * @return the answer; never throws for an unreachable or failing server (that is an unhealthy answer)
     */
    HealthAnswer check(RunningServer server);

    /**
     * One health answer.
     *
     * @param healthy whether the server said {@code healthy: true}
     * @param version the version it reported, or empty
     * @param problem why it is not healthy (no secrets), or empty when healthy
     */
    record HealthAnswer(boolean healthy, String version, String problem) {

        /** @param version the reported version @return a healthy answer */
        public static HealthAnswer healthy(String version) {
            return new HealthAnswer(true, version == null ? "" : version, "");
        }

        /** @param problem what went wrong @return an unhealthy answer */
        public static HealthAnswer unhealthy(String problem) {
            return new HealthAnswer(false, "", problem);
        }
    }
}
