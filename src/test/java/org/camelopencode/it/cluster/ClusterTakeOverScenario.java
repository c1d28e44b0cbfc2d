package org.camelopencode.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.camelopencode.it.SharedOpenCode;
import org.camelopencode.ledger.TemporaryPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's cluster test, for one trigger (its subclass: Kafka, JMS): THREE runner processes (the packaged jar) with
 * distinct node ids, a short lease ({@value #LEASE_SECONDS} s) and one shared real PostgreSQL ledger
 * ({@link TemporaryPostgres}), all against one real {@code opencode serve} and the scripted model ({@link SharedOpenCode}),
 * and a real broker outside every runner. {@value #TASKS} tasks are sent; once {@link #KILL_AFTER} results are out and
 * {@code node-1} is working on tasks (claims it owns whose dispatch runs in a recorded session), {@code node-1} is killed
 * with {@code kill -9}. Then: every task ends as exactly one result record (no dead letter), the model saw exactly one
 * first prompt per task (no second session; the ledger recorded one session per task too), and the tasks node-1 owned
 * at its death were finished by the other runners within lease + 30 s of the kill (the figure is printed).
 */
abstract class ClusterTakeOverScenario {

    static final int TASKS = 300;
    static final int LEASE_SECONDS = 10;
    /** Every third task streams its reply slowly: five frames, 300 ms before each (about 1.5 s). */
    static final int SLOW_EVERY = 3;
    static final Duration SLOW_FRAME = Duration.ofMillis(300);
    static final String VICTIM = "node-1";
    /**
     * node-1 is killed once this many results are out (and it works on tasks): what the survivors still have to do after
     * the kill (their own backlog and node-1's) stays small enough that the take-over figure measures the lease and the
     * sweep rather than the two cores' throughput (about 3-5 tasks/s here, less when other builds share the machine).
     */
    static final int KILL_AFTER = TASKS * 2 / 3;

    private TemporaryPostgres postgres;
    private ClusterRunners runners;

    /** @return the trigger's short name: task name prefix and work folder ({@code kafka}, {@code jms}) */
    abstract String trigger();

    /**
     * Starts the broker the runners share (outside every runner).
     *
     * @param folder a folder for its files
     */
    abstract void startBroker(Path folder) throws Exception;

    /** @return the runners' environment variables for the trigger (enabled, broker address, concurrency) */
    abstract Map<String, String> triggerEnvironment();

    /**
     * Waits until every runner takes tasks from the broker (for Kafka: all in the consumer group with partitions).
     *
     * @param runners the started runners
     */
    abstract void awaitConsumers(ClusterRunners runners) throws Exception;

    /**
     * Starts the test's own consumer of the results and dead letters.
     *
     * @param results where it records what arrives
     */
    abstract void collect(ResultLog results) throws Exception;

    /**
     * Sends the tasks to the trigger's tasks topic or queue.
     *
     * @param tasks the tasks, in order
     */
    abstract void send(List<ClusterTasks.Task> tasks) throws Exception;

    /** Stops the broker and the test's clients; called after the runners stopped, also after a failure. */
    abstract void stopBroker() throws Exception;

    /**
     * @return the line a survivor logs for each task it takes over by its own sweep (Kafka's
     *     {@code KafkaTakeOverSweep}), or null when take-overs come with redeliveries instead (JMS)
     */
    String sweepTakeOverLine() {
        return null;
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (runners != null) {
                runners.close();
            }
        } finally {
            try {
                stopBroker();
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    @Test
    void threeRunnersOneKilledWhileItWorksEveryTaskEndsOnceInOneSessionAndTheDeadRunnersTasksAreTakenOver() throws Exception {
        long begin = System.nanoTime();
        postgres = TemporaryPostgres.startOrSkip();
        String ledgerUrl = postgres.createDatabase("cluster");
        ClusterLedgerProbe ledger = new ClusterLedgerProbe(ledgerUrl, postgres.user());
        SharedOpenCode openCode = SharedOpenCode.get();
        ClusterTasks tasks = ClusterTasks.script(openCode.model(), trigger(), TASKS, SLOW_EVERY, SLOW_FRAME);
        Path folder = Files.createTempDirectory("cluster-" + trigger() + "-it-");
        startBroker(Files.createDirectories(folder.resolve("broker")));

        Map<String, String> environment = new HashMap<>(Map.of(
                "OPENCODE_SERVER_URL", openCode.server().baseUri().toString(),
                "OPENCODE_SERVER_USERNAME", openCode.server().username(),
                "OPENCODE_SERVER_PASSWORD", openCode.server().password(),
                "OPENCODE_MODEL", SharedOpenCode.MODEL,
                "OPENCODE_TIMEOUT", "PT120S",
                "OPENCODE_LEDGER_URL", ledgerUrl,
                "OPENCODE_LEDGER_USERNAME", postgres.user(),
                "OPENCODE_CLUSTER_ENABLED", "true",
                "OPENCODE_CLUSTER_LEASE", "PT" + LEASE_SECONDS + "S"));
        environment.put("OPENCODE_JMS_PORT", "-1");
        environment.putAll(triggerEnvironment());
        runners = ClusterRunners.start(3, folder.resolve("runners"), environment);
        try {
            awaitConsumers(runners);
            double startedAfter = seconds(begin);
            ResultLog results = new ResultLog();
            collect(results);
            long sent = System.nanoTime();
            send(tasks.all());

            await(KILL_AFTER + " results out and " + VICTIM + " working").atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> results.tasksWithResults() >= KILL_AFTER && !ledger.runningOn(VICTIM).isEmpty());
            int exit = runners.node(VICTIM).kill();
            Instant killed = Instant.now();
            int resultsAtKill = results.tasksWithResults();
            assertThat(exit).as("kill -9").isEqualTo(137);
            // node-1 is gone: its claims and running entries are frozen until a survivor takes them over after the lease
            List<String> owned = ledger.claimedBy(VICTIM);
            List<String> running = ledger.runningOn(VICTIM);
            assertThat(running).as(VICTIM + " was working on tasks in recorded sessions when it was killed").isNotEmpty();
            assertThat(owned).containsAll(running);

            Duration bound = Duration.ofSeconds(LEASE_SECONDS + 30);
            try {
                await("the dead runner's tasks finished").atMost(bound.plusSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> results.allArrived(owned));
            } catch (ConditionTimeoutException late) {
                throw new AssertionError("tasks of " + VICTIM + " without a result: "
                        + owned.stream().filter(name -> results.of(name).isEmpty()).toList(), late);
            }
            Duration takenOverIn = Duration.between(killed, results.lastFirstArrival(owned).orElseThrow());
            await("every task's result").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> results.tasksWithResults() >= TASKS);
            double allDoneAfter = (System.nanoTime() - sent) / 1e9;
            // every claim released, and then nothing more arrives for a while (no late second result or dead letter)
            try {
                await("every claim released").atMost(Duration.ofSeconds(30)).until(() -> ledger.claimsLeft().isEmpty());
            } catch (ConditionTimeoutException left) {
                throw new AssertionError("claims left after every result: " + ledger.claimsLeft(), left);
            }
            int[] seen = {results.resultRecords() + results.deadLetters().size()};
            await("nothing more arrives").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).until(() -> {
                int now = results.resultRecords() + results.deadLetters().size();
                boolean quiet = now == seen[0];
                seen[0] = now;
                return quiet;
            });

            Map<String, Integer> sweptBy = new java.util.TreeMap<>();
            if (sweepTakeOverLine() != null) {
                for (String survivor : List.of("node-2", "node-3")) {
                    sweptBy.put(survivor, runners.node(survivor).log().split(java.util.regex.Pattern.quote(sweepTakeOverLine()), -1).length - 1);
                }
            }
            System.out.printf("%s cluster: %d tasks on 3 runners; runners up %.1f s after the test began; %s killed with"
                    + " %d/%d results out, owning %d tasks (%d running in sessions: %s); its tasks were all finished %.1f s after"
                    + " the kill (bound: lease %d s + 30 s)%s; all %d results %.1f s after the first task was sent; %d result records,"
                    + " %d dead letters; test %.1f s%n",
                    trigger(), TASKS, startedAfter, VICTIM, resultsAtKill, TASKS, owned.size(), running.size(), running,
                    takenOverIn.toMillis() / 1000.0, LEASE_SECONDS, sweptBy.isEmpty() ? "" : ", taken over by sweep " + sweptBy,
                    TASKS, allDoneAfter, results.resultRecords(), results.deadLetters().size(), seconds(begin));

            assertThat(results.deadLetters()).as("dead letters").isEmpty();
            assertThat(results.duplicates()).as("tasks with a second result record (%s owned %s)", VICTIM, owned).isEmpty();
            assertThat(results.resultRecords()).isEqualTo(TASKS);
            for (ClusterTasks.Task task : tasks.all()) {
                assertThat(results.of(task.name())).as("results of " + task.name()).singleElement().satisfies(result -> {
                    assertThat(result.record().path("status").asText()).isEqualTo("completed");
                    assertThat(result.record().path("task").asText()).isEqualTo(task.name());
                    assertThat(result.record().path("text").asText()).isEqualTo(task.reply());
                });
            }
            Map<String, Integer> firstPrompts = tasks.firstPrompts(openCode.model().requests());
            assertThat(firstPrompts.entrySet().stream().filter(entry -> entry.getValue() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                    .as("tasks whose first prompt the model did not see exactly once").isEmpty();
            Map<String, Integer> sessions = ledger.sessionsPerTask();
            assertThat(sessions.keySet()).containsAll(tasks.names());
            assertThat(sessions.entrySet().stream().filter(entry -> entry.getValue() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                    .as("tasks with other than one session in the ledger").isEmpty();
            assertThat(takenOverIn).as("the dead runner's tasks finished within lease + 30 s of the kill").isLessThanOrEqualTo(bound);
            for (String node : runners.nodeIds()) {
                assertThat(runners.node(node).log()).as(node + " wrote results (the work was shared)").contains("result written");
            }
            for (String survivor : List.of("node-2", "node-3")) {
                assertThat(runners.node(survivor).alive()).as(survivor + " still running").isTrue();
                assertThat(runners.node(survivor).log()).doesNotContain(openCode.server().password());
            }
            assertThat(runners.node("node-2").log() + runners.node("node-3").log())
                    .as("a survivor re-attached a session node-1 left running").contains("re-attaching");
            int swept = sweptBy.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(swept).as("tasks of %s taken over by a sweep (the others came back as redelivered records)", VICTIM)
                    .isLessThanOrEqualTo(owned.size());
            if (swept >= 4) {
                // each survivor sweeps every lease/2 and takes ceil(expired / live runners): the other one sweeps
                // before the first one's next sweep, while tasks are left
                assertThat(sweptBy.values()).as("both survivors took a share of the %d tasks swept: %s", swept, sweptBy)
                        .allMatch(count -> count > 0);
            }
        } catch (Throwable failure) {
            System.out.println("runner logs of the failed " + getClass().getSimpleName() + ":" + runners.logTails(150));
            throw failure;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
