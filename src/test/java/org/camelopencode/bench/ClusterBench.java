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
 * {@link DispatchStub} (a session's turn ends as soon as its prompt arrives). A runner here is one Camel context with its
 * own {@code opencode:} component, ledger connection pool, node id and lease heartbeat, all in this JVM (the same two
 * cores either way; a runner process would add a JVM, not a core). Each runner keeps {@value #IN_FLIGHT_PER_RUNNER}
 * tasks in flight; {@value #WARM_UP} warm-up tasks per setup, then {@value #ROUNDS} rounds of {@value #TASKS_PER_ROUND}
 * tasks split evenly between the runners. The baseline of the same run is one runner without a ledger (no claim, no
 * record). The claim's own cost is measured apart, on the same database after the rounds: {@code claim} (an
 * {@code INSERT} and the lease read-back) and {@code release} (a {@code DELETE}) timed one at a time.
 */
final class ClusterBench {

    static final int TASKS_PER_ROUND = 300;
    static final int ROUNDS = 3;
    static final int WARM_UP = 100;
    static final int IN_FLIGHT_PER_RUNNER = 4;
    static final int CLAIM_SAMPLES = 500;

    /**
     * One setup's figures.
     *
     * @param runners how many runners
     * @param ledger whether they shared the PostgreSQL ledger (claims on)
     * @param tasksPerSecond one sample per round
     */
    record SetupResult(int runners, boolean ledger, Stats tasksPerSecond) {
    }

    /**
     * The row.
     *
     * @param setups the baseline first, then 1, 2 and 3 clustered runners
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
            setups.add(measure(stub, null, postgres.user(), 1));
            String lastDatabase = null;
            for (int runners = 1; runners <= 3; runners++) {
                lastDatabase = postgres.createDatabase("bench_cluster_" + runners);
                setups.add(measure(stub, lastDatabase, postgres.user(), runners));
            }
            List<Double> claims = new ArrayList<>();
            List<Double> releases = new ArrayList<>();
            try (DispatchLedger ledger = DispatchLedger.open(new LedgerSettings(lastDatabase, postgres.user(), null))) {
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
        List<Runner> runners = new ArrayList<>();
        try {
            for (int index = 1; index <= count; index++) {
                runners.add(new Runner(stub, ledgerUrl, user, "bench-node-" + index));
            }
            String label = (ledgerUrl == null ? "no ledger" : "cluster") + ", " + count + " runner(s)";
            round(runners, "warm-" + label, WARM_UP * count);
            List<Double> rates = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                long start = System.nanoTime();
                round(runners, "round-" + round + "-" + label, TASKS_PER_ROUND);
                double rate = TASKS_PER_ROUND / ((System.nanoTime() - start) / 1e9);
                rates.add(rate);
                System.out.printf("cluster row: %s, round %d: %.1f tasks/s%n", label, round, rate);
            }
            return new SetupResult(count, ledgerUrl != null, new Stats(rates));
        } finally {
            for (Runner runner : runners) {
                runner.close();
            }
        }
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

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException unreadable) {
            return "?";
        }
    }
}
