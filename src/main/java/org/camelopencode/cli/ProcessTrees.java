package org.camelopencode.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process with every descendant (the {@code opencode} launcher script and the native binary it starts):
 * the tree is listed first, because descendants re-parent and leave it once their parent dies; then TERM, a grace
 * period, and KILL for whatever is still alive. The server package keeps its own copy for managed servers.
 */
public final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * @param root the process
     * @param grace how long TERM may take before KILL
     * @return the processes of the tree (the root last); all have exited unless even KILL did not stop them in time
     */
    public static List<ProcessHandle> kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        if (!exitWithin(tree, grace)) {
            root.descendants().filter(late -> !tree.contains(late)).forEach(tree::add);
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            exitWithin(tree, grace);
        }
        return tree;
    }

    private static boolean exitWithin(List<ProcessHandle> processes, Duration wait) {
        try {
            CompletableFuture.allOf(processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException notYet) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
