package org.camelopencode.runner;

/**
 * How many of the expired Kafka claims one runner's take-over sweep takes (README "Running several runners"). Pure.
 *
 * <p>Every live runner sweeps every lease/2, each at its own phase. Taking every expired claim at once would give the
 * whole of a dead runner's work to whichever survivor swept first (measured in the Kafka cluster IT before this
 * share: one survivor took all 53 tasks of the dead one while the other had none). Each sweep takes its share of what
 * it sees instead, {@code ceil(expired / live runners)}; the rest waits for the next sweep, its own or another
 * runner's, so the dead runner's tasks are spread over the survivors within a few sweeps.
 */
final class TakeOverShare {

    private TakeOverShare() {
    }

    /**
     * @param expired the expired Kafka claims this sweep saw, not negative
     * @param liveRunners the runners with a live lease in {@code cluster_nodes}, this one included; a value below 1 is
     *     taken as 1 (this runner sweeps, so it is alive even when its own row was read just after a late heartbeat)
     * @return how many of them this sweep takes over: {@code ceil(expired / max(1, liveRunners))}, 0 when none expired
     * @throws IllegalArgumentException when {@code expired} is negative
     */
    static int of(int expired, int liveRunners) {
        if (expired < 0) {
            throw new IllegalArgumentException("expired claims must not be negative: " + expired);
        }
        int runners = Math.max(1, liveRunners);
        return (expired + runners - 1) / runners;
    }
}
