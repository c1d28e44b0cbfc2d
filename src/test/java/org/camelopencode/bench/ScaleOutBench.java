package org.camelopencode.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.server.ProcessMemory;
import org.camelopencode.testkit.ScriptedModelServer;

/**
 * Row 5: tasks per second through {@code opencode:dispatch} with a managed fleet of 1, 2 and 3 real
 * {@code opencode serve} processes (the component starts and supervises them) and the instant scripted model. Every
 * fleet gets the same offered load: {@value #TASKS_PER_ROUND} tasks per round, {@value #CONCURRENCY} in flight at once.
 */
final class ScaleOutBench {

    static final int TASKS_PER_ROUND = 30;
    static final int CONCURRENCY = 6;
    private static final int MEASURED_ROUNDS = 3;
    /** Each server's JavaScript JIT warms up on its own: after 20 tasks a server still used ~1.8x the CPU per task of later ones. */
    private static final int WARM_UP_TASKS_PER_SERVER = 60;
    /** A fleet using less than this share of one core over a second is quiet (its deferred work is done). */
    private static final double QUIET_CORES = 0.15;

    /** One fleet size: tasks per second of each measured round, the machine's CPU use and the fleet's memory. */
    record FleetResult(int servers, double secondsToStart, Stats tasksPerSecond, Stats cpuLoad, Stats serverCpuMillisPerTask,
            Stats jvmCpuMillisPerTask, long fleetResidentBytes, double secondsToQuietAfterStart, double deferredCpuMillisPerTask,
            double secondsToQuietAfterRounds) {
    }

    static List<FleetResult> run(int... fleetSizes) throws Exception {
        List<FleetResult> results = new ArrayList<>();
        try (ScriptedModelServer model = ScriptedModelServer.start()) {
            for (int servers : fleetSizes) {
                results.add(fleet(model, servers));
            }
        }
        return results;
    }

    private static FleetResult fleet(ScriptedModelServer model, int servers) throws Exception {
        Path state = Files.createTempDirectory("bench-scale-out-");
        OpenCodeComponent component = new OpenCodeComponent();
        component.getFleetConfiguration().setBinary(OpenCodeBinary.locate(null).toString());
        component.getFleetConfiguration().setManagedInstances(servers);
        component.getFleetConfiguration().setManagedStateDirectory(state.toString());
        component.getFleetConfiguration().setManagedStartTimeout(java.time.Duration.parse("PT120S"));
        component.getFleetConfiguration().setManagedConfig(new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo")
                .model(EndToEndBench.MODEL).smallModel(EndToEndBench.MODEL).toJson());
        component.getConfiguration().setModel(EndToEndBench.MODEL);
        component.getConfiguration().setTimeout(java.time.Duration.parse("PT120S"));
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.addComponent("opencode", component);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:task").to("opencode:dispatch");
                    from("direct:fleet").to("opencode:fleet");
                }
            });
            long startNanos = System.nanoTime();
            camel.start(); // the producer starts the fleet, all servers in parallel
            double secondsToStart = (System.nanoTime() - startNanos) / 1e9;
            ProducerTemplate template = camel.createProducerTemplate();
            @SuppressWarnings("unchecked")
            List<InstanceReport> started = template.requestBody("direct:fleet", null, List.class);
            // A new server works for seconds after it answers health (installing the provider package in its fresh HOME,
            // JIT): measured from the start, that work would be charged to the first round.
            double secondsToQuietAfterStart = awaitQuiet(started);
            round(template, servers, -1, WARM_UP_TASKS_PER_SERVER * servers); // the servers' JIT warms up too
            awaitQuiet(started);
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            List<Double> rates = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            List<Double> serverCpu = new ArrayList<>();
            List<Double> jvmCpu = new ArrayList<>();
            for (int round = 0; round < MEASURED_ROUNDS; round++) {
                os.getCpuLoad(); // starts the measuring interval
                double serverSecondsBefore = fleetCpuSeconds(started);
                long jvmNanosBefore = os.getProcessCpuTime();
                double rate = round(template, servers, round, TASKS_PER_ROUND);
                cpu.add(os.getCpuLoad() * 100);
                serverCpu.add((fleetCpuSeconds(started) - serverSecondsBefore) * 1000 / TASKS_PER_ROUND);
                jvmCpu.add((os.getProcessCpuTime() - jvmNanosBefore) / 1e6 / TASKS_PER_ROUND);
                rates.add(rate);
                System.out.printf("  row5 %d server(s), round %d: %.2f tasks/s, machine CPU %.0f%%, CPU per task: servers %.0f ms,"
                        + " this JVM (component + scripted model) %.0f ms%n", servers, round + 1, rate, cpu.get(cpu.size() - 1),
                        serverCpu.get(serverCpu.size() - 1), jvmCpu.get(jvmCpu.size() - 1));
            }
            // Rounds run back to back, so rounds 2 and 3 share the CPU with what earlier tasks left for later; what is
            // still left when the last round ends is measured until the fleet is quiet.
            double tailStart = fleetCpuSeconds(started);
            double secondsToQuietAfterRounds = awaitQuiet(started);
            double deferredMillisPerTask = (fleetCpuSeconds(started) - tailStart) * 1000 / (MEASURED_ROUNDS * TASKS_PER_ROUND);
            @SuppressWarnings("unchecked")
            List<InstanceReport> reports = template.requestBody("direct:fleet", null, List.class);
            long resident = reports.stream().mapToLong(report -> ProcessMemory.residentBytesOfTree(report.pid())).sum();
            if (reports.size() != servers || reports.stream().anyMatch(report -> report.sessionsServed() == 0)) {
                throw new IllegalStateException("not every server of the fleet served: " + reports);
            }
            return new FleetResult(servers, secondsToStart, new Stats(rates), new Stats(cpu), new Stats(serverCpu), new Stats(jvmCpu),
                    resident, secondsToQuietAfterStart, deferredMillisPerTask, secondsToQuietAfterRounds);
        } finally {
            camel.close();
            EndToEndBench.deleteQuietly(state);
        }
    }

    /**
     * Waits (at most 2 minutes) until the fleet used less than {@value #QUIET_CORES} of a core over the last second.
     *
     * @return seconds waited
     */
    private static double awaitQuiet(List<InstanceReport> fleet) {
        long start = System.nanoTime();
        double[] last = {fleetCpuSeconds(fleet), System.nanoTime()};
        org.awaitility.Awaitility.await("the fleet's deferred work ends").atMost(java.time.Duration.ofMinutes(2))
                .pollDelay(java.time.Duration.ofSeconds(1)).pollInterval(java.time.Duration.ofSeconds(1)).until(() -> {
                    double cpu = fleetCpuSeconds(fleet);
                    double now = System.nanoTime();
                    double cores = (cpu - last[0]) / ((now - last[1]) / 1e9);
                    last[0] = cpu;
                    last[1] = now;
                    return cores < QUIET_CORES;
                });
        return (System.nanoTime() - start) / 1e9;
    }

    private static double fleetCpuSeconds(List<InstanceReport> fleet) {
        return fleet.stream().mapToDouble(report -> ProcessCpu.treeSeconds(report.pid())).sum();
    }

    /** @return tasks per second of {@code tasks} dispatches with {@value #CONCURRENCY} in flight */
    private static double round(ProducerTemplate template, int servers, int round, int tasks) throws Exception {
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        List<CompletableFuture<Object>> results = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        long start = System.nanoTime();
        for (int task = 0; task < tasks; task++) {
            String prompt = "Scale-out task " + task + " of round " + round + " on " + servers + " server(s).";
            prompts.add(prompt);
            inFlight.acquire();
            CompletableFuture<Object> result = template.asyncRequestBody("direct:task", prompt);
            result.whenComplete((done, error) -> inFlight.release());
            results.add(result);
        }
        for (int task = 0; task < tasks; task++) {
            DispatchResult result = (DispatchResult) results.get(task).get(120, TimeUnit.SECONDS);
            if (!result.text().equals(EndToEndWorker.expectedReply(prompts.get(task)))) {
                throw new IllegalStateException("unexpected reply " + result.text());
            }
        }
        return tasks / ((System.nanoTime() - start) / 1e9);
    }

    private ScaleOutBench() {
    }
}
