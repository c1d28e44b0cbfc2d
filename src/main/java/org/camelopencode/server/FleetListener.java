package org.camelopencode.server;

import java.time.Instant;
import java.util.Optional;

/**
 * What the user of an {@link OpenCodeFleet} (the Camel component) hears from it and tells it. Callbacks run on the
 * fleet's supervisor thread: they must not block (hand slow work such as closing clients to another thread).
 */
public interface FleetListener {

    /**
     * An instance's new server is healthy and takes sessions (first start, restart or recycle). Its URL and password
     * differ from the previous server's.
     *
     * @param instance the instance
     * @param server   its new server
     */
    void started(FleetInstance instance, RunningServer server);

    /**
     * An instance's server is gone or being replaced: stop sending to it, and fail the attempts still running on it
     * (their sessions died with it) so they can be retried elsewhere.
     *
     * @param instance the instance
     * @param server   the server that is gone
     * @param reason   why, for messages and logs (no secrets)
     */
    void lost(FleetInstance instance, RunningServer server, String reason);

    /**
     * @param instance an instance
     * @return its dispatches in flight (the supervisor waits for 0 before recycling; reports show it)
     */
    default int busySessions(FleetInstance instance) {
        return 0;
    }

    /**
     * @param instance an instance
     * @return when its event stream last received a frame (heartbeats included), empty when no stream is open
     */
    default Optional<Instant> lastEventAt(FleetInstance instance) {
        return Optional.empty();
    }
}
