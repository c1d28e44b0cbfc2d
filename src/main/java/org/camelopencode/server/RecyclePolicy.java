package org.camelopencode.server;

import java.util.Optional;

/**
 * When a healthy managed server should be recycled (drained, then restarted): after serving a number of sessions
 * since its start, or when its process tree holds more resident memory than a limit. Either limit 0 = off.
 *
 * @param afterSessions   sessions served since the start that trigger a recycle; 0 = never
 * @param aboveMemoryBytes resident bytes of the process tree above which it is recycled; 0 = never
 */
public record RecyclePolicy(long afterSessions, long aboveMemoryBytes) {

    /** A policy that never recycles. */
    public static final RecyclePolicy NEVER = new RecyclePolicy(0, 0);

    /** Rejects negative limits. */
    public RecyclePolicy {
        if (afterSessions < 0 || aboveMemoryBytes < 0) {
            throw new IllegalArgumentException("recycle limits must be 0 (off) or positive, got " + afterSessions
                    + " sessions and " + aboveMemoryBytes + " bytes");
        }
    }

    /**
     * @param sessionsSinceStart sessions the server was given since it started
     * @param memoryBytes        resident bytes of its process tree, -1 when unknown (never triggers)
     * @return why it should be recycled now, or empty
     */
    public Optional<String> reasonToRecycle(long sessionsSinceStart, long memoryBytes) {
        if (afterSessions > 0 && sessionsSinceStart >= afterSessions) {
            return Optional.of("served " + sessionsSinceStart + " sessions (recycle after " + afterSessions + ")");
        }
        if (aboveMemoryBytes > 0 && memoryBytes > aboveMemoryBytes) {
            return Optional.of("holds " + megabytes(memoryBytes) + " MiB resident memory (recycle above "
                    + megabytes(aboveMemoryBytes) + " MiB)");
        }
        return Optional.empty();
    }

    private static long megabytes(long bytes) {
        return bytes / (1024 * 1024);
    }
}
