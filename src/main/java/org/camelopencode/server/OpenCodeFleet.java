package org.camelopencode.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several OpenCode servers supervised together: {@link FleetOptions#instances()} managed {@code opencode serve}
 * processes (each with a free port, a generated password, a private state folder {@code <state>/instance-<i>}, a capped
 * log and a PID file) plus any external servers, which are only watched.
 *
 * <p>A supervisor thread checks every instance each {@link FleetOptions#healthInterval()}: the process is alive,
 * {@code GET /global/health} answers healthy, and the event stream's last frame (from the {@link FleetListener}) is not
 * older than {@link FleetOptions#heartbeatTimeout()}. A failed check takes the instance out of the rotation; a managed
 * one failing {@link FleetOptions#unhealthyChecks()} checks in a row, or whose process exits (seen at once through the
 * process's exit), is lost: the listener hears {@link FleetListener#lost}, what is left of its process tree is stopped,
 * and it is started again after a backoff (1 s doubling to 30 s by default). A healthy managed instance that reaches
 * the {@link RecyclePolicy} is drained (no new sessions; the running ones may finish up to the drain timeout) and
 * restarted. {@link #close()} stops every managed process tree (TERM, then KILL).
 */
public final class OpenCodeFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeFleet.class);
    private static final long STOP_GRACE_MILLIS = 5000;

    private final FleetOptions options;
    private final ServerStarter starter;
    private final HealthProbe probe;
    private final Clock clock;
    private final FleetListener listener;
    private final List<FleetInstance> instances = new ArrayList<>();
    private final ScheduledExecutorService supervisor;
    private final ExecutorService starters;
    private final Object lifecycle = new Object();
    private boolean closed;

    /**
     * A fleet that is not started yet; see {@link #start(FleetOptions, List, FleetListener)} for the usual way.
     *
     * @param options   the settings
     * @param externals external servers to watch (never restarted)
     * @param starter   starts one managed instance
     * @param probe     checks one server's health
     * @param clock     the time source of uptimes, drains and backoff resets
     * @param listener  hears starts and losses, tells load and heartbeats
     */
    public OpenCodeFleet(FleetOptions options, List<ExternalServer> externals, ServerStarter starter, HealthProbe probe,
                         Clock clock, FleetListener listener) {
        this.options = options;
        this.starter = starter;
        this.probe = probe;
        this.clock = clock;
        this.listener = listener;
        for (int index = 1; index <= options.instances(); index++) {
            instances.add(new FleetInstance(index, true, new RestartBackoff(options.restartBackoff(), options.maxRestartBackoff())));
        }
        for (int index = 1; index <= externals.size(); index++) {
            FleetInstance external = new FleetInstance(index, false, new RestartBackoff(options.restartBackoff(), options.maxRestartBackoff()));
            external.serving(externals.get(index - 1), clock.instant());
            instances.add(external);
        }
        AtomicInteger threads = new AtomicInteger();
        this.supervisor = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "opencode-fleet-supervisor"));
        this.starters = Executors.newCachedThreadPool(runnable -> daemon(runnable, "opencode-fleet-start-" + threads.incrementAndGet()));
    }

    /**
     * Starts the managed instances in parallel ({@link ManagedOpenCodeServer}, after stopping a leftover process named
     * by an instance's PID file), then supervises them and the external servers.
     *
     * @param options   the settings
     * @param externals external servers (may be empty)
     * @param listener  hears starts and losses
     * @return the running fleet
     * @throws ManagedServerException when managed instances were asked for and none became healthy (all are stopped);
     *                                instances that failed while others started are retried with backoff
     */
    public static OpenCodeFleet start(FleetOptions options, List<ExternalServer> externals, FleetListener listener) {
        ServerStarter starter = index -> {
            stopLeftover(options.instanceDirectory(index));
            return ManagedOpenCodeServer.start(options.serverOptions(index));
        };
        OpenCodeFleet fleet = new OpenCodeFleet(options, externals, starter, new HttpHealthProbe(options.healthTimeout()),
                Clock.systemUTC(), listener);
        fleet.start();
        return fleet;
    }

    /**
     * Starts the managed instances in parallel and waits for them, announces the external servers, then schedules the
     * supervision.
     *
     * @throws ManagedServerException when managed instances were asked for and none became healthy
     */
    public void start() {
        List<CompletableFuture<Optional<String>>> starts = new ArrayList<>();
        for (FleetInstance instance : instances) {
            if (instance.isManaged()) {
                starts.add(CompletableFuture.supplyAsync(() -> startNow(instance), starters));
            } else {
                instance.server().ifPresent(server -> post(() -> listener.started(instance, server)));
            }
        }
        List<String> failures = starts.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
        if (!starts.isEmpty() && failures.size() == starts.size()) {
            close();
            throw new ManagedServerException("no managed OpenCode server of the fleet could start; first failure: " + failures.get(0));
        }
        awaitAnnouncements();
        for (FleetInstance instance : instances) {
            if (instance.isManaged() && instance.state() == InstanceState.BACKING_OFF) {
                schedule(() -> restart(instance), instance.nextRestartDelay());
            }
        }
        long interval = options.healthInterval().toMillis();
        supervisor.scheduleWithFixedDelay(this::superviseAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The supervisor runs one task at a time: once this no-op ran, the {@code started} announcements queued before it did too. */
    private void awaitAnnouncements() {
        try {
            supervisor.submit(() -> { }).get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RejectedExecutionException late) {
            LOG.warn("The fleet's start announcements did not finish: {}", late.toString());
        }
    }

    /** @return the instances: managed ones first ({@code instance-1..N}), then external ones */
    public List<FleetInstance> instances() {
        return List.copyOf(instances);
    }

    /** @return one report per instance, in {@link #instances()} order (no secrets) */
    public List<InstanceReport> reports() {
        Instant now = clock.instant();
        return instances.stream().map(instance -> instance.report(listener.busySessions(instance), now)).toList();
    }

    /** Stops supervising and stops every managed process tree in parallel (TERM, then KILL); idempotent. */
    @Override
    public void close() {
        List<RunningServer> running = new ArrayList<>();
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            for (FleetInstance instance : instances) {
                instance.state(InstanceState.STOPPED);
                if (instance.isManaged()) {
                    RunningServer server = instance.detachServer();
                    if (server != null) {
                        running.add(server);
                    }
                }
            }
        }
        supervisor.shutdownNow();
        starters.shutdownNow(); // interrupts starts in progress: they stop their own process
        CompletableFuture.allOf(running.stream().map(server -> CompletableFuture.runAsync(server::close))
                .toArray(CompletableFuture[]::new)).join();
        try {
            if (!starters.awaitTermination(STOP_GRACE_MILLIS * 2, TimeUnit.MILLISECONDS)) {
                LOG.warn("A managed OpenCode server start did not end within {} ms of the fleet stop", STOP_GRACE_MILLIS * 2);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Stopped the OpenCode fleet ({} managed servers)", running.size());
    }

    // ---- supervision (supervisor thread) ----

    /** One round of checks; package-private so tests can run it without waiting for the interval. */
    void superviseAll() {
        for (FleetInstance instance : instances) {
            try {
                supervise(instance);
            } catch (RuntimeException unexpected) {
                LOG.error("Supervising {} failed", instance.name(), unexpected);
            }
        }
    }

    private void supervise(FleetInstance instance) {
        InstanceState state = instance.state();
        RunningServer server = instance.server().orElse(null);
        if (server == null || state == InstanceState.STARTING || state == InstanceState.BACKING_OFF || state == InstanceState.STOPPED) {
            return;
        }
        if (instance.isManaged() && !server.isAlive()) {
            lose(instance, server, "the process (pid " + server.pid() + ") exited");
            return;
        }
        Instant now = clock.instant();
        HealthProbe.HealthAnswer answer = probe.check(server);
        String problem = answer.healthy() ? staleHeartbeat(instance, now) : answer.problem();
        if (problem != null) {
            int failedInRow = instance.checkFailed(problem);
            LOG.warn("OpenCode {} failed its check ({} in a row): {}", instance.name(), failedInRow, problem);
            if (instance.isManaged() && failedInRow >= options.unhealthyChecks()) {
                lose(instance, server, "unhealthy for " + failedInRow + " checks in a row: " + problem);
            }
            return;
        }
        instance.checkPassed(now, server.memoryBytes(), processTree(server));
        if (instance.state() == InstanceState.DRAINING) {
            finishDrainIfDone(instance, server, now);
            return;
        }
        if (instance.isManaged() && instance.state() == InstanceState.HEALTHY) {
            options.recyclePolicy().reasonToRecycle(instance.sessionsSinceStart(), instance.memoryBytes()).ifPresent(reason -> {
                LOG.info("Recycling OpenCode {}: it {}; draining its sessions first", instance.name(), reason);
                instance.drain(reason, now);
                finishDrainIfDone(instance, server, now);
            });
        }
    }

    private String staleHeartbeat(FleetInstance instance, Instant now) {
        Optional<Instant> lastEvent = listener.lastEventAt(instance);
        if (lastEvent.isPresent() && Duration.between(lastEvent.get(), now).compareTo(options.heartbeatTimeout()) > 0) {
            return "no event-stream frame for " + Duration.between(lastEvent.get(), now).toSeconds() + " s (heartbeat every 10 s)";
        }
        return null;
    }

    private void finishDrainIfDone(FleetInstance instance, RunningServer server, Instant now) {
        int busy = listener.busySessions(instance);
        boolean timedOut = Duration.between(instance.drainingSince(), now).compareTo(options.drainTimeout()) >= 0;
        if (busy > 0 && !timedOut) {
            return;
        }
        String reason = "recycled: it " + instance.drainReason() + (busy > 0 ? "; " + busy + " sessions still ran after the drain timeout "
                + options.drainTimeout() : "");
        instance.countRecycle();
        instance.problem(reason);
        replace(instance, server, reason, Duration.ZERO);
    }

    /** A managed instance's server is gone (crash, or unhealthy too long): tell, clean up, restart after the backoff. */
    private void lose(FleetInstance instance, RunningServer server, String reason) {
        if (instance.server().orElse(null) != server || instance.state() == InstanceState.STOPPED) {
            return; // already handled (exit seen by both the exit callback and a check)
        }
        instance.countRestart();
        instance.problem(reason);
        Duration delay = instance.nextRestartDelay();
        LOG.warn("OpenCode {} was lost: {}; restarting it in {} ms (restart {})", instance.name(), reason, delay.toMillis(),
                instance.restarts());
        replace(instance, server, reason, delay);
    }

    private void replace(FleetInstance instance, RunningServer server, String reason, Duration delay) {
        List<ProcessHandle> known = instance.knownProcesses();
        instance.detachServer();
        instance.state(delay.isZero() ? InstanceState.STARTING : InstanceState.BACKING_OFF);
        listener.lost(instance, server, reason);
        CompletableFuture.runAsync(() -> {
            server.close();
            // After a crash the root is gone and its children are orphans, no longer its descendants: stop those seen before.
            known.stream().filter(ProcessHandle::isAlive).forEach(orphan -> ProcessTree.stop(orphan, STOP_GRACE_MILLIS));
        }, starters).whenComplete((ignored, failure) -> schedule(() -> restart(instance), delay));
    }

    private void restart(FleetInstance instance) {
        if (instance.state() == InstanceState.STOPPED) {
            return;
        }
        instance.state(InstanceState.STARTING);
        try {
            starters.execute(() -> startNow(instance).ifPresent(failure -> post(() -> {
                if (instance.state() != InstanceState.STOPPED) {
                    Duration delay = instance.nextRestartDelay();
                    instance.state(InstanceState.BACKING_OFF);
                    LOG.warn("OpenCode {} did not start: {}; trying again in {} ms", instance.name(), failure, delay.toMillis());
                    schedule(() -> restart(instance), delay);
                }
            })));
        } catch (RejectedExecutionException stopped) {
            // the fleet was closed
        }
    }

    /** Starts one managed instance on the calling (starter) thread. @return the failure message, or empty on success */
    private Optional<String> startNow(FleetInstance instance) {
        RunningServer server;
        try {
            server = starter.start(instance.index());
        } catch (RuntimeException failure) {
            instance.problem("start failed: " + failure.getMessage());
            synchronized (lifecycle) {
                if (!closed) {
                    instance.state(InstanceState.BACKING_OFF);
                }
            }
            return Optional.of(failure.getMessage() == null ? failure.toString() : failure.getMessage());
        }
        synchronized (lifecycle) {
            if (closed) {
                server.close();
                return Optional.of("the fleet was stopped while " + instance.name() + " started");
            }
            instance.serving(server, clock.instant());
        }
        // Same shape as the single managed server's line before the fleet (RunnerJarIT reads the PID from it).
        LOG.info("Started managed OpenCode {} at {} (pid {}, {}, state in {})", server.version(), server.baseUri(), server.pid(),
                instance.name(), options.instanceDirectory(instance.index()));
        post(() -> listener.started(instance, server));
        server.onExit().thenAccept(exitCode -> post(() -> lose(instance, server, "the process (pid " + server.pid()
                + ") exited with code " + exitCode + (exitCode == 137 || exitCode == 9 ? " (killed)" : ""))));
        return Optional.empty();
    }

    private void post(Runnable task) {
        try {
            supervisor.execute(task);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("The fleet is stopped; dropped a supervisor task");
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            supervisor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("The fleet is stopped; no restart scheduled");
        }
    }

    private static List<ProcessHandle> processTree(RunningServer server) {
        if (server.pid() < 0) {
            return List.of();
        }
        return ProcessHandle.of(server.pid()).map(root -> Stream.concat(Stream.of(root), root.descendants()).toList())
                .orElse(List.of());
    }

    /**
     * A JVM that died without stopping its servers leaves them running with their PID files: stop such a process when
     * it still runs an {@code opencode} command, so restarts of the runner do not pile up servers.
     */
    static void stopLeftover(Path instanceDirectory) {
        Path pidFile = instanceDirectory.resolve(ManagedOpenCodeServer.PID_FILE_NAME);
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().command().map(command -> command.contains("opencode")).orElse(false))
                    .ifPresent(leftover -> {
                        LOG.warn("Stopping the leftover OpenCode server of an earlier run (pid {}, PID file {})", pid, pidFile);
                        ProcessTree.stop(leftover, STOP_GRACE_MILLIS);
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException unreadable) {
            LOG.warn("Ignoring the unreadable PID file {}: {}", pidFile, unreadable.getMessage());
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
