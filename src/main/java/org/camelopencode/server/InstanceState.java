package org.camelopencode.server;

/** Where a fleet instance is in its life. Only {@link #HEALTHY} instances take new sessions. */
public enum InstanceState {
    /** Being started (first start, restart or recycle). */
    STARTING,
    /** Running and its last check passed: takes new sessions. */
    HEALTHY,
    /** Its last check failed: no new sessions; a managed one is restarted after the configured checks in a row. */
    UNHEALTHY,
    /** Being recycled: no new sessions, the running ones may finish (up to the drain timeout), then a restart. */
    DRAINING,
    /** Lost (crashed, or unhealthy too long): waiting for the restart delay. */
    BACKING_OFF,
    /** The fleet was stopped. */
    STOPPED
}
