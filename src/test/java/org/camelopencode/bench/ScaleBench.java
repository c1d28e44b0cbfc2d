package org.camelopencode.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;

/**
 * Row 4: {@code count} dispatches in flight at once against {@link DispatchStub} (every session stays busy until all
 * were prompted): heap used after GC and live threads before and while they wait, then completion after every
 * session's {@code session.idle} frame, and the number of {@code GET /event} connections the stub accepted.
 */
final class ScaleBench {

    /** Measured figures; heap in bytes (after {@link System#gc()}, stub included: same JVM). */
    record Result(int dispatches, long heapBefore, long heapInFlight, int clientThreadsBefore, int clientThreadsInFlight,
            int allThreadsInFlight, int completedCorrectly, double secondsToComplete, double secondsToLaunch, int eventConnections,
            long peakHeap) {

        long bytesPerDispatch() {
            return (heapInFlight - heapBefore) / dispatches;
        }
    }

    static Result run(int count) throws Exception {
        try (DispatchStub stub = new DispatchStub();
                OpenCodeClient client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                        new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(30)));
                Dispatcher dispatcher = new Dispatcher(client, DispatchOptions.defaults())) {
            GateLatencyBench.awaitEventConnection(stub);
            long heapBefore = heapUsedAfterGc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            int threadsBefore = clientThreads();
            long launchStart = System.nanoTime();
            List<CompletableFuture<DispatchResult>> futures = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                futures.add(dispatcher.dispatch(DispatchRequest.of("task " + index, Duration.ofMinutes(5))));
            }
            org.awaitility.Awaitility.await("all " + count + " prompts arrive").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20)).until(() -> stub.prompts() >= count);
            double secondsToLaunch = (System.nanoTime() - launchStart) / 1e9;
            if (dispatcher.inFlight() != count) {
                throw new IllegalStateException("expected " + count + " in flight, the dispatcher has " + dispatcher.inFlight());
            }
            int threadsInFlight = clientThreads();
            int allThreads = Thread.getAllStackTraces().size();
            long heapInFlight = heapUsedAfterGc();
            long finishStart = System.nanoTime();
            for (int index = 1; index <= count; index++) {
                stub.finish("ses_bench" + index);
            }
            int correct = 0;
            for (CompletableFuture<DispatchResult> future : futures) {
                DispatchResult result = future.get(120, TimeUnit.SECONDS);
                if (result.text().equals("reply to " + result.sessionId())) {
                    correct++;
                }
            }
            double secondsToComplete = (System.nanoTime() - finishStart) / 1e9;
            return new Result(count, heapBefore, heapInFlight, threadsBefore, threadsInFlight, allThreads, correct,
                    secondsToComplete, secondsToLaunch, stub.eventConnections(), peakHeapSinceReset());
        }
    }

    /** Sum of the heap pools' peaks: garbage not yet collected included, so an upper bound of what was live. */
    private static long peakHeapSinceReset() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Live threads that are not the stub server's (its executor, timers and JDK HttpServer dispatcher). */
    private static int clientThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.getName().startsWith(DispatchStub.THREAD_PREFIX))
                .filter(thread -> !thread.getName().startsWith("HTTP-Dispatcher"))
                .count();
    }

    private ScaleBench() {
    }
}
