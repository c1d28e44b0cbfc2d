package org.camelopencode.component;

import org.camelopencode.server.InstanceState;

/**
 * One OpenCode server a component uses now, for the health checks ({@link OpenCodeServerHealthChecks}).
 *
 * @param name        fleet instance name, or the base URL of a direct {@code serverUrl}
 * @param url         its base URL (no credentials), empty while none runs
 * @param state       the fleet supervisor's state, {@code null} for a direct {@code serverUrl}
 * @param restarts    times the fleet restarted it
 * @param lastProblem the supervisor's latest problem, or empty
 * @param connection  the current connection, {@code null} while no server runs
 */
record ServerInUse(String name, String url, InstanceState state, long restarts, String lastProblem, ServerConnection connection) {
}
