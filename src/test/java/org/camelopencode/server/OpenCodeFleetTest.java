package org.camelopencode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with fake servers and a scripted health probe: restarts, backoff, recycling, external servers, stop. */
class OpenCodeFleetTest {

    @TempDir
    Path temporary;

    private final AtomicInteger ports = new AtomicInteger(20000);
    private final List<FakeServer> started = new CopyOnWriteArrayList<>();
    private final Set<URI> unhealthy = ConcurrentHashMap.newKeySet();
    private final RecordingListener listener = new RecordingListener();
    private final Map<Integer, AtomicInteger> failingStarts = new ConcurrentHashMap<>();
    private OpenCodeFleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aCrashedServerIsRestartedAfterTheBackoffWithANewAddress() {
        fleet = startFleet(2, List.of(), RecyclePolicy.NEVER);
        FakeServer first = serverOf("instance-1");

        first.crash(137);

        await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("started instance-1 " + 20002));
        // The two instances start in parallel, so either may have taken the first port.
        assertThat(listener.events).containsSubsequence("lost instance-1 " + first.baseUri().getPort()
                + ": the process (pid -1) exited with code 137 (killed)", "started instance-1 20002");
        assertThat(first.closed).as("what is left of the crashed tree is stopped").isTrue();
        InstanceReport report = fleet.reports().get(0);
        assertThat(report.state()).isEqualTo(InstanceState.HEALTHY);
        assertThat(report.url()).isEqualTo("http://127.0.0.1:20002");
        assertThat(report.restarts()).isEqualTo(1);
        assertThat(report.lastProblem()).contains("exited with code 137");
        assertThat(fleet.reports().get(1).restarts()).isZero();
    }

    @Test
    void failedChecksTakeAServerOutOfRotationAndRestartOnlyManagedOnes() {
        ExternalServer external = new ExternalServer(URI.create("http://127.0.0.1:19999"), "opencode", "secret-password", "");
        fleet = startFleet(1, List.of(external), RecyclePolicy.NEVER);
        FleetInstance managed = fleet.instances().get(0);
        FleetInstance watched = fleet.instances().get(1);
        unhealthy.add(URI.create("http://127.0.0.1:20000"));
        unhealthy.add(external.baseUri());

        fleet.superviseAll();
        assertThat(managed.state()).isEqualTo(InstanceState.UNHEALTHY);
        assertThat(managed.acceptsWork()).isFalse();
        assertThat(watched.acceptsWork()).isFalse();
        fleet.superviseAll();
        fleet.superviseAll();

        await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("started instance-1 20001"));
        assertThat(listener.events).contains("lost instance-1 20000: unhealthy for 3 checks in a row: down");
        assertThat(listener.events).noneMatch(event -> event.startsWith("lost external-1"));
        assertThat(watched.state()).isEqualTo(InstanceState.UNHEALTHY);
        unhealthy.remove(external.baseUri());
        fleet.superviseAll();
        assertThat(watched.acceptsWork()).isTrue();
        InstanceReport externalReport = fleet.reports().get(1);
        assertThat(externalReport.managed()).isFalse();
        assertThat(externalReport.pid()).isEqualTo(-1);
        assertThat(externalReport.restarts()).isZero();
        assertThat(externalReport.toString()).doesNotContain("secret-password");
    }

    @Test
    void aStaleEventStreamFailsTheCheck() {
        fleet = startFleet(1, List.of(), RecyclePolicy.NEVER);
        listener.lastEvent = Instant.now().minus(Duration.ofMinutes(2));

        fleet.superviseAll();

        assertThat(fleet.instances().get(0).state()).isEqualTo(InstanceState.UNHEALTHY);
        assertThat(fleet.reports().get(0).lastProblem()).startsWith("no event-stream frame for 1");
    }

    @Test
    void recyclingWaitsForTheRunningSessionsThenRestartsWithoutCountingARestart() {
        fleet = startFleet(1, List.of(), new RecyclePolicy(2, 0));
        FleetInstance instance = fleet.instances().get(0);
        instance.sessionStarted();
        instance.sessionStarted();
        listener.busy.set(1);

        fleet.superviseAll();
        assertThat(instance.state()).isEqualTo(InstanceState.DRAINING);
        assertThat(instance.acceptsWork()).isFalse();
        fleet.superviseAll();
        assertThat(listener.events).noneMatch(event -> event.startsWith("lost"));

        listener.busy.set(0);
        fleet.superviseAll();

        await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("started instance-1 20001"));
        assertThat(listener.events).contains("lost instance-1 20000: recycled: it served 2 sessions (recycle after 2)");
        InstanceReport report = fleet.reports().get(0);
        assertThat(report.recycles()).isEqualTo(1);
        assertThat(report.restarts()).isZero();
        assertThat(report.sessionsServed()).isEqualTo(2);
        assertThat(started.get(0).closed).isTrue();
    }

    @Test
    void anInstanceThatFailsToStartIsRetriedAndStopStopsEveryServer() {
        failingStarts.put(2, new AtomicInteger(1));
        // A first backoff of 1 s: the retry cannot have begun when start() has just returned.
        fleet = startFleet(2, List.of(), RecyclePolicy.NEVER, Duration.ofSeconds(1));
        FleetInstance failed = fleet.instances().get(1);
        assertThat(failed.state()).isEqualTo(InstanceState.BACKING_OFF);
        assertThat(failed.acceptsWork()).isFalse();
        assertThat(fleet.reports().get(1).lastProblem()).contains("cannot start instance 2");
        assertThat(fleet.instances().get(0).state()).isEqualTo(InstanceState.HEALTHY);

        await().atMost(Duration.ofSeconds(5)).until(failed::acceptsWork);
        assertThat(failed.state()).isEqualTo(InstanceState.HEALTHY);
        assertThat(started).hasSize(2);
        fleet.close();

        assertThat(started).hasSize(2).allMatch(server -> server.closed);
        assertThat(fleet.instances()).allMatch(instance -> instance.state() == InstanceState.STOPPED);
    }

    @Test
    void aFleetWhoseServersAllFailToStartThrows() {
        failingStarts.put(1, new AtomicInteger(5));
        assertThatThrownBy(() -> startFleet(1, List.of(), RecyclePolicy.NEVER))
                .isInstanceOf(ManagedServerException.class)
                .hasMessageContaining("first failure: cannot start instance 1");
    }

    private OpenCodeFleet startFleet(int instances, List<ExternalServer> externals, RecyclePolicy recycle) {
        return startFleet(instances, externals, recycle, Duration.ofMillis(50));
    }

    private OpenCodeFleet startFleet(int instances, List<ExternalServer> externals, RecyclePolicy recycle, Duration firstBackoff) {
        FleetOptions options = FleetOptions.builder().instances(instances).stateDirectory(temporary)
                .binary(Path.of("/bin/true")).configJson("{}").healthInterval(Duration.ofHours(1))
                .restartBackoff(firstBackoff, firstBackoff.multipliedBy(8)).recyclePolicy(recycle).build();
        ServerStarter starter = index -> {
            AtomicInteger failures = failingStarts.get(index);
            if (failures != null && failures.getAndDecrement() > 0) {
                throw new ManagedServerException("cannot start instance " + index);
            }
            FakeServer server = new FakeServer(URI.create("http://127.0.0.1:" + ports.getAndIncrement()));
            started.add(server);
            return server;
        };
        HealthProbe probe = server -> unhealthy.contains(server.baseUri()) ? HealthProbe.HealthAnswer.unhealthy("down")
                : HealthProbe.HealthAnswer.healthy("1.18.33");
        OpenCodeFleet created = new OpenCodeFleet(options, externals, starter, probe, Clock.systemUTC(), listener);
        created.start();
        return created;
    }

    private FakeServer serverOf(String name) {
        FleetInstance instance = fleet.instances().stream().filter(candidate -> candidate.name().equals(name)).findFirst().orElseThrow();
        return (FakeServer) instance.server().orElseThrow();
    }

    /** Records the listener calls as "started name port" / "lost name port: reason". */
    private static final class RecordingListener implements FleetListener {
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final AtomicInteger busy = new AtomicInteger();
        private volatile Instant lastEvent;

        @Override
        public void started(FleetInstance instance, RunningServer server) {
            events.add("started " + instance.name() + " " + server.baseUri().getPort());
        }

        @Override
        public void lost(FleetInstance instance, RunningServer server, String reason) {
            events.add("lost " + instance.name() + " " + server.baseUri().getPort() + ": " + reason);
        }

        @Override
        public int busySessions(FleetInstance instance) {
            return busy.get();
        }

        @Override
        public Optional<Instant> lastEventAt(FleetInstance instance) {
            return Optional.ofNullable(lastEvent);
        }
    }

    /** A server process stand-in: alive until {@link #crash} or {@link #close}. */
    private static final class FakeServer implements RunningServer {
        private final URI baseUri;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private volatile boolean closed;

        private FakeServer(URI baseUri) {
            this.baseUri = baseUri;
        }

        void crash(int exitCode) {
            exit.complete(exitCode);
        }

        @Override
        public URI baseUri() {
            return baseUri;
        }

        @Override
        public String username() {
            return "opencode";
        }

        @Override
        public String password() {
            return "generated";
        }

        /** No real process id: the supervisor must never signal a real process for a fake. */
        @Override
        public long pid() {
            return -1;
        }

        @Override
        public long memoryBytes() {
            return 1024;
        }

        @Override
        public String version() {
            return "1.18.33";
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return exit;
        }

        @Override
        public void close() {
            closed = true;
            exit.complete(143);
        }
    }
}
