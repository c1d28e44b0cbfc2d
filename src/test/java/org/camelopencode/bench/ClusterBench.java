package org.camelopencode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.ledger.TemporaryPostgres;

/**
 * Row 7 ({@code ./bench.sh cluster}, issue 16): tasks/s through {@code opencode:dispatch} with 1, 2 and 3 runners of one
 * cluster sharing one real PostgreSQL ledger ({@link TemporaryPostgres}: every keyed task is claimed in
 * {@code task_claims}, begun, recorded and completed in {@code dispatches}, its claim released), against the model-free
 * {@link DispatchStub} (a session's turn ends as soon as its prompt arrives, its {@code session.idle} frame goes out on
 * {@code GET /global/event}). A runner here is one Camel context with its own {@code opencode:} component, ledger
 * connection pool, node id and lease heartbeat, all in this JVM (the same two cores either way; a runner process would
 * add a JVM, not a core). Each runner keeps {@value #IN_FLIGHT_PER_RUNNER} tasks in flight.
 *
 * <p>The baseline of the same run is the same number of runners without a ledger (no claim, no record), so both sides
 * have the same tasks in flight. For each runner count both sets are started and warmed ({@value #WARM_UP} tasks per
 * runner), then {@value #ROUNDS} rounds of {@value #TASKS_PER_ROUND} tasks (split evenly between the runners) alternate
 * between them: clustered, baseline, clustered, ... The claim's own cost is measured apart, on the same database after
 * the rounds: {@code claim} (an {@code INSERT ... ON CONFLICT} and the lease read-back) and {@code release} (a
 * {@code DELETE}) timed one at a time. Each reply is checked (a task that fails or answers something else fails the
 * row).
 */
final class ClusterBench {

    static final int TASKS_PER_ROUND = 300;
    static final int ROUNDS = 5;
    static final int WARM_UP = 200;
    static final int IN_FLIGHT_PER_RUNNER = 4;
    static final int CLAIM_SAMPLES = 500;

    /**
     * One runner count's figures.
     *
     * @param runners how many runners
     * @param clustered tasks/s of the runners sharing the PostgreSQL ledger (claims on), one sample per round
     * @param baseline tasks/s of as many runners without a ledger, one sample per round
     * @param pairedRatio clustered / baseline of each round with the baseline round that followed it
     * @param extraMillisPerTask 1000/clustered - 1000/baseline of each such pair: the wall-clock cost per task of the
     *     ledger and the claim on this machine
     * @param commitsPerTask the runners' committed transactions on their database per task (warm-up and rounds; the
     *     schema migration and the lease heartbeats included), from {@code pg_stat_database}
     * @param rowWritesPerTask rows inserted, updated and deleted per task, the same way
     */
    record SetupResult(int runners, Stats clustered, Stats baseline, Stats pairedRatio, Stats extraMillisPerTask,
            double commitsPerTask, double rowWritesPerTask) {
    }

    /**
     * The row.
     *
     * @param setups 1, 2 and 3 runners
     * @param claimMillis claim of a free key, one at a time, milliseconds
     * @param releaseMillis release of a held key, milliseconds
     * @param loadBefore the machine's 1-minute load average before the row
     * @param loadAfter the same after it
     */
    record Result(List<SetupResult> setups, Stats claimMillis, Stats releaseMillis, String loadBefore, String loadAfter) {
    }

    private ClusterBench() {
    }

    static Result run() throws Exception {
        String loadBefore = loadAverage();
        try (TemporaryPostgres postgres = TemporaryPostgres.start(TemporaryPostgres.binaries()
                .orElseThrow(() -> new IllegalStateException("the cluster row needs PostgreSQL (/usr/lib/postgresql/<v>/bin)")));
                DispatchStub stub = new DispatchStub()) {
            stub.onPrompt(stub::finish);
            List<SetupResult> setups = new ArrayList<>();
            for (int runners = 1; runners <= 3; runners++) {
                String database = postgres.createDatabase("bench_cluster_" + runners);
                SetupResult measured = measure(stub, database, postgres.user(), runners);
                long[] writes = databaseWrites(postgres, "bench_cluster_" + runners);
                double tasks = (double) WARM_UP * runners + (double) ROUNDS * TASKS_PER_ROUND;
                setups.add(new SetupResult(measured.runners(), measured.clustered(), measured.baseline(), measured.pairedRatio(),
                        measured.extraMillisPerTask(), writes[0] / tasks, writes[1] / tasks));
            }
            if (stub.eventConnections() == 0) {
                throw new IllegalStateException("no runner opened an event stream: the dispatches were judged by polling");
            }
            List<Double> claims = new ArrayList<>();
            List<Double> releases = new ArrayList<>();
            String claimsDatabase = postgres.createDatabase("bench_claims");
            try (DispatchLedger ledger = DispatchLedger.open(new LedgerSettings(claimsDatabase, postgres.user(), null))) {
                ClusterNode node = new ClusterNode("bench-claims", Duration.ofSeconds(30), Duration.ofSeconds(60), true);
                for (int sample = 0; sample < CLAIM_SAMPLES + 50; sample++) {
                    String key = "bench-claim-" + sample;
                    long start = System.nanoTime();
                    ledger.claims().claim(key, node, key, null, null);
                    long claimed = System.nanoTime();
                    ledger.claims().release(key, node.nodeId());
                    long released = System.nanoTime();
                    if (sample >= 50) {
                        claims.add((claimed - start) / 1e6);
                        releases.add((released - claimed) / 1e6);
                    }
                }
            }
            return new Result(setups, new Stats(claims), new Stats(releases), loadBefore, loadAverage());
        }
    }

    private static SetupResult measure(DispatchStub stub, String ledgerUrl, String user, int count) throws Exception {
        List<Runner> clustered = new ArrayList<>();
        List<Runner> baseline = new ArrayList<>();
        try {
            for (int index = 1; index <= count; index++) {
                clustered.add(new Runner(stub, ledgerUrl, user, "bench-node-" + index));
                baseline.add(new Runner(stub, null, user, null));
            }
            round(clustered, "warm-cluster-" + count, WARM_UP * count);
            round(baseline, "warm-baseline-" + count, WARM_UP * count);
            List<Double> clusteredRates = new ArrayList<>();
            List<Double> baselineRates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> extra = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                double withClaims = timedRound(clustered, "round-" + round + "-cluster-" + count);
                double without = timedRound(baseline, "round-" + round + "-baseline-" + count);
                clusteredRates.add(withClaims);
                baselineRates.add(without);
                ratios.add(withClaims / without);
                extra.add(1000.0 / withClaims - 1000.0 / without);
                System.out.printf("cluster row: %d runner(s), round %d: %.1f tasks/s clustered, %.1f tasks/s without a ledger%n",
                        count, round, withClaims, without);
            }
            return new SetupResult(count, new Stats(clusteredRates), new Stats(baselineRates), new Stats(ratios), new Stats(extra), 0, 0);
        } finally {
            for (Runner runner : clustered) {
                runner.close();
            }
            for (Runner runner : baseline) {
                runner.close();
            }
        }
    }

    /** @return tasks/s of one round of {@link #TASKS_PER_ROUND} tasks */
    private static double timedRound(List<Runner> runners, String prefix) throws Exception {
        long start = System.nanoTime();
        round(runners, prefix, TASKS_PER_ROUND);
        return TASKS_PER_ROUND / ((System.nanoTime() - start) / 1e9);
    }

    /** Runs {@code tasks} tasks split evenly between the runners, each keeping its in-flight count; checks each reply. */
    private static void round(List<Runner> runners, String prefix, int tasks) throws Exception {
        List<Thread> drivers = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int index = 0; index < runners.size(); index++) {
            Runner runner = runners.get(index);
            int share = tasks / runners.size() + (index < tasks % runners.size() ? 1 : 0);
            String keys = prefix + "-" + index + "-";
            Thread driver = new Thread(() -> {
                try {
                    runner.drive(keys, share, wrong);
                } catch (Throwable failed) {
                    failures.add(failed);
                }
            }, "bench-cluster-driver-" + index);
            drivers.add(driver);
            driver.start();
        }
        for (Thread driver : drivers) {
            driver.join(TimeUnit.MINUTES.toMillis(5));
            if (driver.isAlive()) {
                throw new IllegalStateException(prefix + ": " + driver.getName() + " did not finish its tasks within 5 minutes");
            }
        }
        if (!failures.isEmpty() || wrong.get() > 0) {
            throw new IllegalStateException(prefix + ": " + wrong.get() + " wrong replies, failures: " + failures);
        }
    }

    /** One runner: a Camel context with its own opencode: component, ledger pool and cluster node. */
    private static final class Runner implements AutoCloseable {
        private final CamelContext context = new DefaultCamelContext();
        private final ProducerTemplate producer;

        Runner(DispatchStub stub, String ledgerUrl, String user, String nodeId) throws Exception {
            OpenCodeComponent component = new OpenCodeComponent();
            component.getConfiguration().setServerUrl(stub.url());
            component.getConfiguration().setModel("stub/echo");
            component.getConfiguration().setTimeout(Duration.ofSeconds(60));
            if (ledgerUrl != null) {
                component.setLedger(DispatchLedger.open(new LedgerSettings(ledgerUrl, user, null)));
                component.setClusterNode(new ClusterNode(nodeId, Duration.ofSeconds(30), Duration.ofSeconds(60), true));
            }
            context.addComponent("opencode", component);
            context.start();
            producer = context.createProducerTemplate();
        }

        /** Sends {@code count} keyed tasks, at most {@link #IN_FLIGHT_PER_RUNNER} at once, and waits for all. */
        void drive(String keyPrefix, int count, AtomicInteger wrong) throws Exception {
            Semaphore slots = new Semaphore(IN_FLIGHT_PER_RUNNER);
            List<CompletableFuture<Object>> futures = new ArrayList<>();
            for (int task = 0; task < count; task++) {
                slots.acquire();
                CompletableFuture<Object> reply = producer.asyncRequestBodyAndHeader("opencode:dispatch", "bench task " + task,
                        OpenCodeConstants.TASK_KEY, keyPrefix + task);
                reply.whenComplete((body, failure) -> {
                    if (failure != null || !(body instanceof DispatchResult result) || !result.text().startsWith("reply to ses_")) {
                        if (wrong.incrementAndGet() == 1) {
                            System.out.println("cluster row: a wrong reply: " + (failure != null ? failure.getCause().getCause() : body));
                        }
                    }
                    slots.release();
                });
                futures.add(reply);
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((done, failure) -> null).get(5, TimeUnit.MINUTES);
        }

        @Override
        public void close() {
            producer.stop();
            context.stop();
        }
    }

    /**
     * Reads {@code pg_stat_database} of a database whose clients have all disconnected (a backend flushes its counters
     * when it exits), waiting up to 10 s for two equal reads in a row.
     *
     * @return committed transactions and rows written (inserted + updated + deleted)
     */
    private static long[] databaseWrites(TemporaryPostgres postgres, String database) throws Exception {
        String query = "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = ?";
        long[][] last = {null};
        org.awaitility.Awaitility.await("the counters of " + database + " settle").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    long[] read;
                    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(postgres.url("postgres"),
                            postgres.user(), "");
                            java.sql.PreparedStatement statement = connection.prepareStatement(query)) {
                        statement.setString(1, database);
                        try (java.sql.ResultSet row = statement.executeQuery()) {
                            row.next();
                            read = new long[] {row.getLong(1), row.getLong(2)};
                        }
                    }
                    boolean settled = last[0] != null && java.util.Arrays.equals(last[0], read);
                    last[0] = read;
                    return settled;
                });
        return last[0];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException unreadable) {
            return "?";
        }
    }
}
