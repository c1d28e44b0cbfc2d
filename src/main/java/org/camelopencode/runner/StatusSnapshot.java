package org.camelopencode.runner;

import java.util.List;
import java.util.Map;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.server.InstanceReport;

/**
 * The JSON the status page reads from {@code GET /status/api}. Times are ISO-8601 UTC strings, durations whole
 * seconds or milliseconds as named, cost in USD. Holds no secret: server URLs carry no user info, no password.
 *
 * @param generatedAt when the snapshot was taken
 * @param servers one entry per OpenCode server ({@code OpenCodeComponent.fleetStatus()})
 * @param inFlight one entry per dispatch in flight ({@code OpenCodeComponent.inFlightProgress()})
 * @param recent the newest finished attempts first
 * @param totals counts and spend since the runner started
 * @param bucketSeconds width of one {@code timeline} bucket
 * @param timeline completions, failures and spend per bucket, oldest first
 * @param cluster the runners sharing the ledger and the task keys each runs ({@link org.camelopencode.ledger.ClusterView}), or {@code null}
 *     without a ledger
 */
public record StatusSnapshot(String generatedAt, List<Server> servers, List<Running> inFlight, List<Finished> recent,
                             Totals totals, int bucketSeconds, List<Bucket> timeline, org.camelopencode.ledger.ClusterView cluster) {

    /**
     * One OpenCode server, from an {@link InstanceReport}.
     *
     * @param name fleet instance name or server URL
     * @param url base URL, empty while none runs
     * @param managed whether the runner started it
     * @param pid process id, -1 when unknown
     * @param version OpenCode version from {@code GET /global/health}, or empty
     * @param state the instance state ({@code HEALTHY}, {@code UNHEALTHY}, {@code STARTING}, ...)
     * @param healthy whether it takes new sessions
     * @param busySessions dispatches in flight on it
     * @param memoryBytes resident memory of its process tree, -1 when unknown
     * @param uptimeSeconds time since its current process started
     * @param restarts restarts after being lost
     * @param sessionsServed sessions dispatched to it
     * @param lastProblem the latest reason it was unhealthy, or empty
     */
    public record Server(String name, String url, boolean managed, long pid, String version, String state, boolean healthy,
                         int busySessions, long memoryBytes, long uptimeSeconds, long restarts, long sessionsServed,
                         String lastProblem) {

        /**
         * @param report the fleet's report
         * @return its page form
         */
        public static Server of(InstanceReport report) {
            return new Server(report.name(), report.url(), report.managed(), report.pid(), report.version(), report.state().name(),
                    report.healthy(), report.busySessions(), report.memoryBytes(), report.uptime().toSeconds(), report.restarts(),
                    report.sessionsServed(), report.lastProblem());
        }
    }

    /**
     * One dispatch in flight, from a {@link DispatchProgress} (its session's events).
     *
     * @param title the session title (task, run, stage, attempt)
     * @param sessionId the session, or {@code null} while it is being created
     * @param state {@code starting}, {@code busy}, {@code idle} or {@code awaiting approval}
     * @param elapsedSeconds time since the dispatch started
     * @param toolCalls tool calls so far
     * @param lastTool the latest tool, or {@code null}
     * @param steps model calls finished
     * @param tokens input + output + reasoning tokens so far
     * @param cost USD so far
     */
    public record Running(String title, String sessionId, String state, long elapsedSeconds, int toolCalls, String lastTool,
                          int steps, long tokens, double cost) {

        /**
         * @param progress the dispatcher's view of one attempt
         * @return its page form
         */
        public static Running of(DispatchProgress progress) {
            var summary = progress.summary();
            return new Running(progress.sessionTitle(), progress.sessionId(), progress.state(), progress.elapsed().toSeconds(),
                    summary.toolCalls(), summary.lastTool(), summary.steps(), summary.tokens().total(), summary.cost());
        }
    }

    /**
     * One decided attempt.
     *
     * @param at when it was decided
     * @param task the task name, or {@code null}
     * @param model {@code provider/model}, or {@code null} when unknown
     * @param outcome {@code completed}, a failure kind's wire name ({@code timeout}, {@code rate_limited}, ...) or
     *     {@code error} for an unclassified exception
     * @param sessionId the session, or {@code null}
     * @param durationMillis how long the attempt took
     * @param tokens input + output + reasoning tokens
     * @param cost USD
     * @param message the failure's reason, empty when completed
     */
    public record Finished(String at, String task, String model, String outcome, String sessionId, long durationMillis,
                           long tokens, double cost, String message) {

        /** @return whether the attempt completed */
        public boolean completed() {
            return "completed".equals(outcome);
        }
    }

    /**
     * @param completed attempts completed since start
     * @param failed attempts failed since start
     * @param cost USD spent since start
     * @param failuresByKind failed attempts per failure kind
     */
    public record Totals(long completed, long failed, double cost, Map<String, Long> failuresByKind) {
    }

    /**
     * @param start the bucket's start
     * @param completed attempts completed in it
     * @param failed attempts failed in it
     * @param cost USD spent by the attempts decided in it
     */
    public record Bucket(String start, long completed, long failed, double cost) {
    }
}
