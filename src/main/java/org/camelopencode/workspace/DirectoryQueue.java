package org.camelopencode.workspace;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fair, asynchronous lock per directory for {@code workspace: shared}: one task at a time works in a directory, the
 * others wait in the order they asked. Waiting holds no thread: {@link #acquire} returns a future that completes
 * when the directory is the caller's. A waiter that gives up (its future completed or cancelled by the caller, for
 * example through {@link CompletableFuture#orTimeout}) is skipped when its turn comes.
 */
public final class DirectoryQueue {

    private final Map<Path, ArrayDeque<CompletableFuture<Lease>>> waiting = new HashMap<>();

    /**
     * @param directory the directory, compared after {@code toAbsolutePath().normalize()}
     * @return a future of the lease, completed at once when nobody holds the directory
     */
    public CompletableFuture<Lease> acquire(Path directory) {
        Path key = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        CompletableFuture<Lease> turn = new CompletableFuture<>();
        synchronized (waiting) {
            ArrayDeque<CompletableFuture<Lease>> queue = waiting.get(key);
            if (queue == null) {
                waiting.put(key, new ArrayDeque<>());
                turn.complete(new Lease(key));
                return turn;
            }
            queue.add(turn);
        }
        return turn;
    }

    /** @return how many directories are held now */
    public int held() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private void release(Path key) {
        while (true) {
            CompletableFuture<Lease> next;
            synchronized (waiting) {
                ArrayDeque<CompletableFuture<Lease>> queue = waiting.get(key);
                next = queue == null ? null : queue.poll();
                if (next == null) {
                    waiting.remove(key);
                    return;
                }
            }
            // completed outside the lock: the next holder's work may run on this thread
            if (next.complete(new Lease(key))) {
                return;
            }
        }
    }

    /** The right to work in one directory until {@link #close}; closing twice releases once. */
    public final class Lease implements AutoCloseable {

        private final Path directory;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(Path directory) {
            this.directory = directory;
        }

        /** @return the directory held */
        public Path directory() {
            return directory;
        }

        /** Gives the directory to the next waiter, if any. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(directory);
            }
        }
    }
}
