package org.camelopencode.dispatch;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Phase} of one run and the one place it changes: {@link #advance} applies {@link Phase#after} atomically
 * (threads race: the event reader, workers, timers). A trigger the table does not allow is a bug: logged at ERROR, and
 * the phase stays as it is.
 */
final class RunPhase {

    private static final Logger LOG = LoggerFactory.getLogger(RunPhase.class);

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);
    private final Supplier<String> sessionId;

    /** @param sessionId the run's session, for log lines ({@code null} while none exists) */
    RunPhase(Supplier<String> sessionId) {
        this.sessionId = sessionId;
    }

    /**
     * @param trigger what happened
     * @return the phase before the trigger; {@link Phase#DONE} tells a caller deciding the attempt that another decided
     *     it first
     */
    Phase advance(Phase.Trigger trigger) {
        while (true) {
            Phase current = phase.get();
            Phase next = current.after(trigger);
            if (next == null) {
                LOG.error("Session {}: {} is not allowed in phase {} (a bug); the phase stays", sessionId.get(), trigger, current);
                return current;
            }
            if (next == current) {
                return current;
            }
            if (phase.compareAndSet(current, next)) {
                LOG.debug("Session {}: {} -> {} ({})", sessionId.get(), current, next, trigger);
                return current;
            }
        }
    }

    /** @return the phase now */
    Phase current() {
        return phase.get();
    }

    /** @return whether the attempt has its result or failure */
    boolean decided() {
        return phase.get() == Phase.DONE;
    }
}
