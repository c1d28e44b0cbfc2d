package org.camelopencode.component;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the server for a new session: among the healthy ones under the per-server cap, the one with the fewest
 * dispatches in flight; ties go to the one that served the fewest sessions (so a batch of quick tasks spreads too),
 * then to the first listed.
 */
final class ServerPicker {

    /**
     * One server the picker may choose.
     *
     * @param name           its name
     * @param acceptsWork    whether it takes new sessions (healthy, not draining)
     * @param inFlight       its dispatches in flight
     * @param sessionsServed sessions it served so far
     * @param <T>            what the caller attaches (its connection)
     * @param target         the caller's object for it
     */
    record Candidate<T>(String name, boolean acceptsWork, int inFlight, long sessionsServed, T target) {
    }

    private ServerPicker() {
    }

    /**
     * @param candidates           the servers, in their listing order
     * @param maxSessionsPerServer the cap of concurrent dispatches per server; 0 = none
     * @param <T>                  the caller's type
     * @return the chosen server, or empty when none is healthy with a free slot
     */
    static <T> Optional<Candidate<T>> pick(List<Candidate<T>> candidates, int maxSessionsPerServer) {
        Comparator<Candidate<T>> leastBusy = Comparator.<Candidate<T>>comparingInt(Candidate::inFlight)
                .thenComparingLong(Candidate::sessionsServed);
        return candidates.stream()
                .filter(Candidate::acceptsWork)
                .filter(candidate -> maxSessionsPerServer <= 0 || candidate.inFlight() < maxSessionsPerServer)
                .min(leastBusy); // min keeps the first of equals: listing order breaks the last tie
    }
}
