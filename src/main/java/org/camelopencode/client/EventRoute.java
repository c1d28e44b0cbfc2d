package org.camelopencode.client;

import java.util.Optional;

/**
 * Which of the server's two event streams an {@link EventStream} follows. Pure.
 *
 * <p>{@code GET /event} carries the events of the server's own project ({@code {"id","type","properties"}});
 * {@code GET /global/event} those of every project it serves, each wrapped as {@code {"directory","project","payload"}}
 * and every durable one twice (the copy of type {@code sync} is skipped). {@code /event} is the normal route. OpenCode
 * 1.14.42 to 1.15.4 broke it: measured on 1.14.48, it sends {@code server.connected} and then nothing (no heartbeat,
 * no session or message event), while {@code /global/event} carries them all; public reports (OpenCode issues #26866,
 * #27966) place the regression at 1.14.42 and the maintainers' fix at 1.15.5 (not measured here).
 */
public enum EventRoute {

    /** {@code GET /event}. */
    EVENT("/event"),
    /** {@code GET /global/event}, for servers whose {@code /event} is broken. */
    GLOBAL_EVENT("/global/event");

    private static final OpenCodeVersion FIRST_BROKEN = new OpenCodeVersion(1, 14, 42, "");
    private static final OpenCodeVersion FIRST_FIXED = new OpenCodeVersion(1, 15, 5, "");

    private final String path;

    EventRoute(String path) {
        this.path = path;
    }

    /** @return the request path, e.g. {@code /event} */
    public String path() {
        return path;
    }

    /**
     * @param version the server's version, empty when unknown
     * @return {@link #GLOBAL_EVENT} for 1.14.42 up to (not including) 1.15.5, else {@link #EVENT}
     */
    public static EventRoute forVersion(Optional<OpenCodeVersion> version) {
        return version.filter(known -> !known.isOlderThan(FIRST_BROKEN) && known.isOlderThan(FIRST_FIXED))
                .map(known -> GLOBAL_EVENT).orElse(EVENT);
    }
}
