package org.camelopencode.it.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runner processes of one cluster: each {@code java -jar ${runner.jar}} (the packaged runnable jar, system property
 * {@code runner.jar} set by failsafe) in a work folder of its own ({@code <folder>/<node id>}, its log
 * {@code runner.log} there), with the environment every node shares plus its own {@code OPENCODE_CLUSTER_NODE_ID},
 * a free status page port and a free management port. Node ids are {@code node-1}, {@code node-2}, ...
 */
final class ClusterRunners implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("runner.jar", "target/camel-opencode-runner.jar")).toAbsolutePath();
    /** Camel's line once a context and its routes are up (camel-main, e.g. "Apache Camel 4.18.0 (x) started in 2s"). */
    private static final String STARTED = ") started in ";

    private final Map<String, LoggedProcess> nodes = new LinkedHashMap<>();

    private ClusterRunners() {
    }

    /**
     * Starts the runners at once (they boot in parallel) and waits until every one logged Camel's start.
     *
     * @param count how many runners
     * @param folder the test's folder; each runner works in {@code <folder>/<node id>}
     * @param shared the environment of every runner ({@code OPENCODE_*} variables)
     * @return the started runners
     * @throws IllegalStateException when one exits or does not start within 120 s (with its log)
     */
    static ClusterRunners start(int count, Path folder, Map<String, String> shared) throws IOException {
        ClusterRunners runners = new ClusterRunners();
        try {
            for (int index = 1; index <= count; index++) {
                String nodeId = "node-" + index;
                Path work = Files.createDirectories(folder.resolve(nodeId));
                Map<String, String> environment = new HashMap<>(shared);
                environment.put("OPENCODE_CLUSTER_NODE_ID", nodeId);
                environment.put("OPENCODE_STATUS_PORT", Integer.toString(FreePorts.next()));
                environment.put("OPENCODE_MANAGEMENT_PORT", "0");
                // Small heaps and C1 only: three runners, a broker, a database and OpenCode share two cores here.
                List<String> command = List.of(LoggedProcess.java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-jar", JAR.toString());
                runners.nodes.put(nodeId, LoggedProcess.start("runner " + nodeId, command, work, environment, work.resolve("runner.log")));
            }
            for (LoggedProcess node : runners.nodes.values()) {
                try {
                    await(node.name() + " started").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                        if (!node.alive()) {
                            throw new IllegalStateException(node.name() + " exited at start:\n" + node.logTail(80));
                        }
                        return node.log().contains(STARTED);
                    });
                } catch (ConditionTimeoutException slow) {
                    throw new IllegalStateException(node.name() + " did not start within 120 s:\n" + node.logTail(80), slow);
                }
            }
            return runners;
        } catch (RuntimeException failed) {
            runners.close();
            throw failed;
        }
    }

    /** @return the node ids, in start order */
    List<String> nodeIds() {
        return new ArrayList<>(nodes.keySet());
    }

    /**
     * @param nodeId a node id
     * @return that runner's process
     * @throws IllegalArgumentException for an unknown node
     */
    LoggedProcess node(String nodeId) {
        LoggedProcess node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("no runner " + nodeId + " (runners: " + nodes.keySet() + ")");
        }
        return node;
    }

    /**
     * @param lines how many last lines of each log
     * @return every runner's log tail, headed by its node id, for a failure report
     */
    String logTails(int lines) {
        StringBuilder report = new StringBuilder();
        nodes.forEach((nodeId, node) -> report.append("\n===== ").append(nodeId).append(node.alive() ? "" : " (ended)")
                .append(" =====\n").append(node.logTail(lines)).append('\n'));
        return report.toString();
    }

    /** Stops every runner still running (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        nodes.values().forEach(LoggedProcess::close);
    }
}
