package org.camelopencode.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Benchmark entry point (issue 9), run by {@code ./bench.sh [rows...]}; not part of the test suite.
 * Rows: {@code throughput} (row 3), {@code latency} (row 2), {@code scale} (row 4), {@code end-to-end} (row 1, real
 * {@code opencode serve}), {@code scale-out} (row 5, managed fleets of 1, 2 and 3 real servers) and {@code workspace} (row 6,
 * dispatch in a git worktree vs a shared directory on one real server) and {@code cluster} (row 7, 1, 2 and 3 runners on one
 * PostgreSQL ledger, {@link ClusterBench}); none given = all.
 * Prints each round and a Markdown summary table of what it measured in this run.
 */
public final class BenchMain {

    static {
        // The JDK HttpServer reads this once per JVM, at its first use: without TCP_NODELAY every small stub answer
        // waits for a delayed ACK (~40 ms), which a first run measured as ~90 ms of "gate latency" after row 3.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * @param args the rows to run; empty for every row
     * @throws Exception when a benchmark cannot run (a row fails loudly rather than print a made-up figure)
     */
    public static void main(String[] args) throws Exception {
        List<String> rows = args.length == 0 ? List.of("throughput", "latency", "scale", "end-to-end", "scale-out", "workspace", "cluster") : Arrays.asList(args);
        System.out.printf("machine: %d processors, max heap %d MB, java %s (%s)%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("java.vm.name"));
        StringBuilder table = new StringBuilder("| row | measured | target |\n|---|---|---|\n");
        for (String row : rows) {
            switch (row) {
                case "throughput" -> {
                    EventThroughputBench.Result result = EventThroughputBench.run(100_000);
                    double baseline = result.lineBaseline().median();
                    double baselineCpu = result.lineBaselineCpu().median();
                    table.append(String.format("| 3 event stream throughput (%d events, %.1f MB per round, 5 rounds; the consumer routes the"
                            + " %d that are not heartbeats, none dropped; ratio = median / line baseline median) |"
                            + " opencode:events consumer median %.0f events/s (min %.0f, max %.0f), ratio %.2f; %.0f events per CPU second"
                            + " of the JVM (min %.0f, max %.0f), ratio %.2f; up to %d events waiting in its buffer."
                            + " EventStream median %.0f events/s (min %.0f, max %.0f), ratio %.2f; %.0f per CPU second (min %.0f, max %.0f),"
                            + " ratio %.2f. Line-reading baseline median %.0f events/s (min %.0f, max %.0f); %.0f per CPU second"
                            + " (min %.0f, max %.0f) | >= 100,000 events/s |%n",
                            result.eventsPerRound(), result.bytesPerRound() / 1e6, result.consumerExchanges(),
                            result.consumer().median(), result.consumer().min(), result.consumer().max(),
                            result.consumer().median() / baseline, result.consumerCpu().median(), result.consumerCpu().min(),
                            result.consumerCpu().max(), result.consumerCpu().median() / baselineCpu, result.peakBuffered(),
                            result.eventStream().median(), result.eventStream().min(), result.eventStream().max(),
                            result.eventStream().median() / baseline, result.eventStreamCpu().median(), result.eventStreamCpu().min(),
                            result.eventStreamCpu().max(), result.eventStreamCpu().median() / baselineCpu, baseline,
                            result.lineBaseline().min(), result.lineBaseline().max(), baselineCpu, result.lineBaselineCpu().min(),
                            result.lineBaselineCpu().max()));
                }
                case "latency" -> {
                    GateLatencyBench.Result result = GateLatencyBench.run(50, 300, 40);
                    table.append(String.format("| 2 completion detection latency, idle frame -> future completed (%d samples; polling %d samples) |"
                            + " event-driven p50 %.2f ms, p99 %.2f ms, max %.2f ms; 1 s polling loop p50 %.0f ms, p99 %.0f ms |"
                            + " p50 < 5 ms, p99 < 50 ms |%n",
                            result.eventDriven().count(), result.polling().count(), result.eventDriven().median(),
                            result.eventDriven().percentile(0.99), result.eventDriven().max(), result.polling().median(),
                            result.polling().percentile(0.99)));
                }
                case "scale" -> {
                    ScaleBench.Result result = ScaleBench.run(1000);
                    table.append(String.format("| 4 scale, %d dispatches in flight against the stub | heap after GC %.1f MB before, %.1f MB in flight"
                            + " (%d bytes per in-flight dispatch, stub included), peak heap %.1f MB (uncollected garbage included); client threads %d before, %d in flight (%d in the JVM"
                            + " with the stub); %d/%d completed with the right reply, %.2f s after the idle frames (launch took %.2f s);"
                            + " event connections %d | 1 event connection; heap < 256 MB |%n",
                            result.dispatches(), result.heapBefore() / 1048576.0, result.heapInFlight() / 1048576.0,
                            result.bytesPerDispatch(), result.peakHeap() / 1048576.0, result.clientThreadsBefore(), result.clientThreadsInFlight(),
                            result.allThreadsInFlight(), result.completedCorrectly(), result.dispatches(),
                            result.secondsToComplete(), result.secondsToLaunch(), result.eventConnections()));
                }
                case "end-to-end" -> {
                    int warmUp = 5;
                    EndToEndBench.Result result = EndToEndBench.run(warmUp, 60);
                    double plain = result.plainHttp().median();
                    table.append(String.format("| 1 end-to-end, opencode %s, instant scripted model, %d tasks each, interleaved |"
                            + " median wall per task: component %.1f ms (p10 %.1f, p90 %.1f) = %.2fx (per-round component/plain ratio:"
                            + " median %.2f, p25 %.2f, p75 %.2f); plain HTTP %.1f ms (p10 %.1f, p90 %.1f) = 1.00x;"
                            + " opencode run --attach %.1f ms (p10 %.1f, p90 %.1f) = %.2fx (component %.1fx faster); peak resident memory:"
                            + " component JVM %.0f MB = %.2fx, plain HTTP JVM %.0f MB = 1.00x, opencode run median %.0f MB per process = %.2fx;"
                            + " peak heap: component %.1f MB, plain HTTP %.1f MB; opencode run printed no reply in %d of %d runs (read from the"
                            + " server after it went idle, inside the timed span) | <= 1.10x plain HTTP; >= 4x faster than the CLI |%n",
                            result.version(), result.component().count(),
                            result.component().median(), result.component().percentile(0.1), result.component().percentile(0.9),
                            result.component().median() / plain, result.pairedRatio().median(), result.pairedRatio().percentile(0.25),
                            result.pairedRatio().percentile(0.75), plain, result.plainHttp().percentile(0.1), result.plainHttp().percentile(0.9),
                            result.cli().median(), result.cli().percentile(0.1), result.cli().percentile(0.9), result.cli().median() / plain,
                            result.cli().median() / result.component().median(),
                            result.componentMemory().peakResidentBytes() / 1048576.0,
                            (double) result.componentMemory().peakResidentBytes() / result.plainHttpMemory().peakResidentBytes(),
                            result.plainHttpMemory().peakResidentBytes() / 1048576.0, result.cliPeakResident().median() / 1048576.0,
                            result.cliPeakResident().median() / result.plainHttpMemory().peakResidentBytes(),
                            result.componentMemory().peakHeapBytes() / 1048576.0, result.plainHttpMemory().peakHeapBytes() / 1048576.0,
                            result.cliTextMissing(), result.cli().count() + warmUp));
                }
                case "scale-out" -> {
                    List<ScaleOutBench.FleetResult> results = ScaleOutBench.run(1, 2, 3);
                    double single = results.get(0).tasksPerSecond().median();
                    for (ScaleOutBench.FleetResult result : results) {
                        table.append(String.format("| 5 scale-out, %d managed server(s), %d tasks per round, %d in flight, %d rounds |"
                                + " median %.2f tasks/s (min %.2f, max %.2f) = %.2fx one server; machine CPU median %.0f%%; CPU per task: servers %.0f ms,"
                                + " this JVM (component + scripted model) %.0f ms;"
                                + " plus %.0f ms per task of deferred server CPU after the last round (quiet after %.0f s); fleet resident"
                                + " memory %.0f MB; fleet healthy after %.1f s, quiet %.0f s later | - |%n",
                                result.servers(), ScaleOutBench.TASKS_PER_ROUND, ScaleOutBench.CONCURRENCY, result.tasksPerSecond().count(),
                                result.tasksPerSecond().median(), result.tasksPerSecond().min(), result.tasksPerSecond().max(),
                                result.tasksPerSecond().median() / single, result.cpuLoad().median(),
                                result.serverCpuMillisPerTask().median(), result.jvmCpuMillisPerTask().median(),
                                result.deferredCpuMillisPerTask(), result.secondsToQuietAfterRounds(),
                                result.fleetResidentBytes() / 1048576.0, result.secondsToStart(), result.secondsToQuietAfterStart()));
                    }
                }
                case "workspace" -> {
                    WorkspaceBench.Result result = WorkspaceBench.run(3, 20);
                    table.append(String.format("| 6 workspace: dispatch in a git worktree vs the shared directory, one real server, instant scripted"
                            + " model writing one file, repository of %d files, %d tasks each, interleaved | median wall per task: worktree %.1f ms"
                            + " (p10 %.1f, p90 %.1f), shared %.1f ms (p10 %.1f, p90 %.1f); per-round worktree/shared ratio median %.2f (p25 %.2f,"
                            + " p75 %.2f); the worktree alone (add, write, capture, remove) median %.1f ms (p10 %.1f, p90 %.1f) | - |%n",
                            result.files(), result.worktree().count(), result.worktree().median(), result.worktree().percentile(0.1),
                            result.worktree().percentile(0.9), result.shared().median(), result.shared().percentile(0.1),
                            result.shared().percentile(0.9), result.pairedRatio().median(), result.pairedRatio().percentile(0.25),
                            result.pairedRatio().percentile(0.75), result.worktreeAlone().median(), result.worktreeAlone().percentile(0.1),
                            result.worktreeAlone().percentile(0.9)));
                }
                case "cluster" -> {
                    ClusterBench.Result result = ClusterBench.run();
                    double single = result.setups().get(0).clustered().median();
                    for (ClusterBench.SetupResult setup : result.setups()) {
                        table.append(String.format("| 7 cluster, %d runner(s) in this JVM on one shared PostgreSQL ledger (claims on) vs as many"
                                + " without a ledger, model-free stub, %d in flight per runner, %d alternating rounds of %d tasks | clustered"
                                + " median %.1f tasks/s (min %.1f, max %.1f) = %.2fx one clustered runner; without a ledger %.1f tasks/s;"
                                + " paired ratio median %.2fx (p25 %.2f, p75 %.2f); %.2f ms per task more (p25 %.2f, p75 %.2f); %.1f commits and %.1f"
                                + " row writes per task on PostgreSQL | - |%n",
                                setup.runners(), ClusterBench.IN_FLIGHT_PER_RUNNER, setup.clustered().count(), ClusterBench.TASKS_PER_ROUND,
                                setup.clustered().median(), setup.clustered().min(), setup.clustered().max(), setup.clustered().median() / single,
                                setup.baseline().median(), setup.pairedRatio().median(), setup.pairedRatio().percentile(0.25),
                                setup.pairedRatio().percentile(0.75), setup.extraMillisPerTask().median(),
                                setup.extraMillisPerTask().percentile(0.25), setup.extraMillisPerTask().percentile(0.75),
                                setup.commitsPerTask(), setup.rowWritesPerTask()));
                    }
                    table.append(String.format("| 7 cluster, the claim alone on the same PostgreSQL, %d samples one at a time | claim p50 %.2f ms"
                            + " (p90 %.2f), release p50 %.2f ms (p90 %.2f): %.2f ms per task; load average %s before, %s after | - |%n",
                            result.claimMillis().count(), result.claimMillis().median(), result.claimMillis().percentile(0.9),
                            result.releaseMillis().median(), result.releaseMillis().percentile(0.9),
                            result.claimMillis().median() + result.releaseMillis().median(), result.loadBefore(), result.loadAfter()));
                }
                default -> throw new IllegalArgumentException("unknown row " + row
                        + "; rows: throughput, latency, scale, end-to-end, scale-out, workspace, cluster");
            }
        }
        System.out.println();
        System.out.print(table);
    }

    private BenchMain() {
    }
}
