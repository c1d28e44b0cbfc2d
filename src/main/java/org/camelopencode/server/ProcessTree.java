package org.camelopencode.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process and all its descendants: TERM to all, a grace period, then KILL to whatever is left.
 * Used for managed servers and for {@code opencode run} processes of the CLI transport.
 */
public final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * @param root        the process to stop
     * @param gracePeriod milliseconds to wait after TERM before KILL
     * @return every process handle that was part of the tree (for callers that want to check them)
     */
    public static List<ProcessHandle> stop(ProcessHandle root, long gracePeriod) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        root.descendants().forEach(tree::add); // collected before TERM: orphans re-parent and vanish from the tree
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        awaitExit(tree, gracePeriod);
        root.descendants().forEach(tree::add); // children spawned while stopping
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, gracePeriod);
        return new ArrayList<>(tree);
    }

    private static void awaitExit(Set<ProcessHandle> processes, long milliseconds) {
        CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(milliseconds, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException stillRunning) {
            // the caller escalates to KILL
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
