package org.camelopencode.client;

/** Where a server's version stands against the versions measured by {@code ./conformance.sh} ({@link TestedVersions}). */
public enum VersionStanding {

    /** Exactly one of the measured versions. */
    TESTED("tested"),
    /** Between the oldest and the newest measured version, not itself measured. */
    UNTESTED_WITHIN_RANGE("untested, within the tested range"),
    /** Newer than the newest measured version. */
    UNTESTED_NEWER("untested, newer than the newest tested"),
    /** Older than the oldest measured version. */
    OLDER_THAN_TESTED("older than the oldest tested"),
    /** The server reported no version, or one that is not {@code MAJOR.MINOR.PATCH} (e.g. a local build). */
    UNPARSABLE("unparsable version"),
    /** The version could not be read: the server was unreachable or refused the credentials. */
    NOT_CHECKED("not checked");

    private final String label;

    VersionStanding(String label) {
        this.label = label;
    }

    /** @return the standing as the start-up log line says it, e.g. {@code untested, newer than the newest tested} */
    public String label() {
        return label;
    }

    /** @return false for {@link #TESTED} and {@link #UNTESTED_WITHIN_RANGE}, true otherwise: the start-up line is then a warning */
    public boolean deservesWarning() {
        return this != TESTED && this != UNTESTED_WITHIN_RANGE;
    }
}
