package org.camelopencode.server;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One place in an {@link OpenCodeFleet}: a managed instance whose server may be replaced (restart, recycle), or an
 * external server. The supervisor thread changes it; any thread may read it.
 */
public final class FleetInstance {

    private final int index;
    private final String name;
    private final boolean managed;
    private final RestartBackoff backoff;
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong recycles = new AtomicLong();
    private final AtomicLong sessionsServed = new AtomicLong();
    private final AtomicLong sessionsSinceStart = new AtomicLong();

    private volatile RunningServer server;
    private volatile InstanceState state = InstanceState.STARTING;
    private volatile Instant startedAt;
    private volatile Instant healthySince;
    private volatile String lastProblem = "";
    private volatile long memoryBytes = -1;
    private volatile List<ProcessHandle> knownProcesses = List.of();
    private int failedChecksInRow;
    private Instant drainingSince;
    private String drainReason;

    FleetInstance(int index, boolean managed, RestartBackoff backoff) {
        this.index = index;
        this.name = (managed ? "instance-" : "external-") + index;
        this.managed = managed;
        this.backoff = backoff;
    }

    /** @return the number from 1 within its kind (managed or external) */
    public int index() {
        return index;
    }

    /** @return {@code instance-<i>} or {@code external-<i>} */
    public String name() {
        return name;
    }

    /** @return whether the fleet started it (and restarts it) */
    public boolean isManaged() {
        return managed;
    }

    /** @return the current server, empty while none runs */
    public Optional<RunningServer> server() {
        return Optional.ofNullable(server);
    }

    /** @return the current state */
    public InstanceState state() {
        return state;
    }

    /** @return whether new sessions may go to it now */
    public boolean acceptsWork() {
        return state == InstanceState.HEALTHY && server != null;
    }

    /** Counts a session given to this instance (for its report and the recycle policy). */
    public void sessionStarted() {
        sessionsServed.incrementAndGet();
        sessionsSinceStart.incrementAndGet();
    }

    /** @return restarts after a loss so far */
    public long restarts() {
        return restarts.get();
    }

    /** @return the sessions this instance has served since the fleet started (restarts and recycles included) */
    public long sessionsServed() {
        return sessionsServed.get();
    }

    /**
     * @param busySessions its dispatches in flight (from the listener)
     * @param now          the current time
     * @return its report (no secrets)
     */
    public InstanceReport report(int busySessions, Instant now) {
        RunningServer current = server;
        Instant started = startedAt;
        return new InstanceReport(name, current == null ? "" : withoutUserInfo(current.baseUri()), managed,
                current == null ? -1 : current.pid(), current == null ? "" : current.version(), state, acceptsWork(),
                busySessions, memoryBytes, current == null || started == null ? Duration.ZERO : Duration.between(started, now),
                restarts.get(), recycles.get(), sessionsServed.get(), lastProblem);
    }

    @Override
    public String toString() {
        RunningServer current = server;
        return "FleetInstance[" + name + ", " + state + (current == null ? "" : ", " + withoutUserInfo(current.baseUri())) + "]";
    }

    // Supervisor-side changes.

    void serving(RunningServer newServer, Instant now) {
        server = newServer;
        startedAt = now;
        healthySince = now;
        failedChecksInRow = 0;
        sessionsSinceStart.set(0);
        drainingSince = null;
        drainReason = null;
        state = InstanceState.HEALTHY;
    }

    void state(InstanceState newState) {
        state = newState;
    }

    void problem(String problem) {
        lastProblem = problem == null ? "" : problem;
    }

    /** @return the failed checks in a row, this one included */
    int checkFailed(String problem) {
        problem(problem);
        failedChecksInRow++;
        healthySince = null;
        if (state == InstanceState.HEALTHY) {
            state = InstanceState.UNHEALTHY;
        }
        return failedChecksInRow;
    }

    void checkPassed(Instant now, long memory, List<ProcessHandle> processes) {
        failedChecksInRow = 0;
        memoryBytes = memory;
        knownProcesses = processes;
        if (healthySince == null) {
            healthySince = now;
        }
        backoff.recordHealthy(Duration.between(healthySince, now));
        if (state == InstanceState.UNHEALTHY) {
            state = InstanceState.HEALTHY;
        }
    }

    RunningServer detachServer() {
        RunningServer current = server;
        server = null;
        startedAt = null;
        healthySince = null;
        memoryBytes = -1;
        return current;
    }

    void countRestart() {
        restarts.incrementAndGet();
    }

    void countRecycle() {
        recycles.incrementAndGet();
    }

    long sessionsSinceStart() {
        return sessionsSinceStart.get();
    }

    long memoryBytes() {
        return memoryBytes;
    }

    Duration nextRestartDelay() {
        return backoff.nextDelay();
    }

    void drain(String reason, Instant now) {
        state = InstanceState.DRAINING;
        drainReason = reason;
        drainingSince = now;
    }

    Instant drainingSince() {
        return drainingSince;
    }

    String drainReason() {
        return drainReason;
    }

    /** @return the processes of its tree seen at the last passed check (to stop orphans after a crash) */
    List<ProcessHandle> knownProcesses() {
        return knownProcesses;
    }

    static String withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri.toString();
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
