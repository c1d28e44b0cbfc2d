package org.camelopencode.component;

/**
 * What the {@code opencode:events} consumer does with an event that arrives while its buffer is full. There is no
 * blocking policy on purpose: the event stream is shared by every consumer and dispatch of a server, so its reader
 * thread must never wait for a slow route.
 */
public enum BufferFullPolicy {
    /** Discard the oldest waiting event to make room for the new one (the route sees the most recent state). */
    dropOldest,
    /** Discard the arriving event (the route sees the first events in order, then a gap). */
    dropNewest
}
