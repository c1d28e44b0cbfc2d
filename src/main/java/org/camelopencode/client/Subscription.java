package org.camelopencode.client;

/** A listener registration of an {@link EventStream}; closing it unsubscribes. Idempotent. */
public interface Subscription extends AutoCloseable {

    /** Removes the listener; no callbacks start after this returns (one already running may finish). */
    @Override
    void close();
}
