package org.camelopencode.server;

import java.time.Duration;

/**
 * What one fleet instance is doing, for status reports and the log. Holds no secret: the URL has no user info and no
 * password is ever part of it.
 *
 * @param name           {@code instance-1}, {@code instance-2}, ... or {@code external-1}, ...
 * @param url            base URL of the current server, or empty while none runs
 * @param managed        whether this JVM started it (false: an external server, only watched)
 * @param pid            process id of {@code opencode serve}, or -1 (external, or not running)
 * @param version        version from {@code GET /global/health}, or empty
 * @param state          the instance's state
 * @param healthy        whether it takes new sessions now ({@link InstanceState#HEALTHY})
 * @param busySessions   dispatches in flight on it
 * @param memoryBytes    resident memory of its process tree at the last check ({@code VmRSS}), -1 when unknown
 * @param uptime         time since the current server started, zero while none runs
 * @param restarts       times it was restarted after being lost (crash or failed health), since the fleet started
 * @param recycles       times it was recycled (sessions or memory limit)
 * @param sessionsServed sessions dispatched to it since the fleet started (all its processes)
 * @param lastProblem    the latest reason it was unhealthy, lost or failed to start, or empty
 */
public record InstanceReport(String name, String url, boolean managed, long pid, String version, InstanceState state,
                             boolean healthy, int busySessions, long memoryBytes, Duration uptime, long restarts,
                             long recycles, long sessionsServed, String lastProblem) {

    /** @return one log line: name, state, URL, PID, version, busy sessions, memory in MiB, uptime, counters */
    public String describe() {
        return name + " " + state + (url.isEmpty() ? "" : " " + url) + (pid < 0 ? "" : " pid " + pid)
                + (version.isEmpty() ? "" : " v" + version) + ", busy " + busySessions
                + (memoryBytes < 0 ? "" : ", rss " + memoryBytes / (1024 * 1024) + " MiB")
                + ", up " + uptime.toSeconds() + " s, restarts " + restarts + ", recycles " + recycles
                + ", sessions " + sessionsServed + (lastProblem.isEmpty() ? "" : ", last problem: " + lastProblem);
    }
}
