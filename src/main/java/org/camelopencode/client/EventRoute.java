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
 *
 * <p>Since sessions work in per-task directories (the {@code directory} query parameter of every call), the one
 * connection per server must see every directory's events, so {@code /global/event} is the route wherever it exists:
 * measured on 1.1.65 (the oldest tested; {@code server.connected}, {@code server.heartbeat} and the session events of
 * other directories, each with its {@code directory}) and 1.18.33. Only a version older than every tested one keeps
 * {@code /event}; its sessions outside the server's own directory are then judged by the dispatch's safety poll.
 */
public enum EventRoute {

    /** {@code GET /event}. */
    EVENT("/event"),
    /** {@code GET /global/event}: every directory's events, the route of every tested version. */
    GLOBAL_EVENT("/global/event");

    /** The oldest version measured with {@code /global/event} (and the oldest of {@link TestedVersions}' range). */
    private static final OpenCodeVersion FIRST_GLOBAL = new OpenCodeVersion(1, 1, 65, "");

    private final String path;

    EventRoute(String path) {
        this.path = path;
    }

    /** @return the request path, e.g. {@code /event} */
    public String path() {
        return path;
    }

    /**
     * @param version the server's version, empty when it names none we can read (a development build such as
     *     {@code local}: newer than any release)
     * @return {@link #EVENT} for a version older than 1.1.65, else {@link #GLOBAL_EVENT}
     */
    public static EventRoute forVersion(Optional<OpenCodeVersion> version) {
        return version.filter(known -> known.isOlderThan(FIRST_GLOBAL)).map(known -> EVENT).orElse(GLOBAL_EVENT);
    }
}
