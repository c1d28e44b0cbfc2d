package org.camelopencode.client;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenCode versions measured by {@code ./conformance.sh} and the features each one lacks, each with what fails
 * (README "OpenCode versions"). Immutable; pure.
 *
 * <p>An unmeasured version within the range is taken to lack what the nearest measured version below it lacks; a
 * version newer than the newest what the newest lacks; a version older than the oldest what the oldest lacks (it may
 * lack more: nobody measured it).
 */
public final class TestedVersions {

    /** The day of the conformance run the table of {@link #measured()} comes from (ISO-8601 date). */
    public static final String MEASURED_ON = "2026-12-02";

    /**
     * Before 1.18 OpenCode retries a failing provider without end, and {@code opencode run --format json} prints nothing
     * while it does (the server transport sees the {@code retry} status and stops at attempt 5, the CLI cannot).
     */
    private static final String CLI_ENDLESS_RETRY = "a provider that keeps failing ends as timeout, not rate_limited or "
            + "provider_unavailable (OpenCode retries without end and opencode run prints nothing while it does)";
    /** 1.14.48 and 1.15.13: {@code opencode run --format json} exits at the {@code step_start} of the turn's last step. */
    private static final String CLI_ENDS_EARLY = "opencode run --format json exits at the start of the turn's last step, "
            + "before its text: every reply ends as assistant_output_missing_text_part";

    private static final TestedVersions MEASURED = new TestedVersions(MEASURED_ON, Map.of(
            "1.1.65", Map.of(ServerFeature.CLI_TRANSPORT, CLI_ENDLESS_RETRY,
                    ServerFeature.SKILLS, "skill folders are not listed to the model"),
            "1.3.2", Map.of(ServerFeature.CLI_TRANSPORT, CLI_ENDLESS_RETRY),
            "1.14.48", Map.of(ServerFeature.CLI_TRANSPORT, CLI_ENDS_EARLY,
                    ServerFeature.SKILLS, "measured through the CLI transport, which ends before the reply"),
            "1.15.13", Map.of(ServerFeature.CLI_TRANSPORT, CLI_ENDS_EARLY,
                    ServerFeature.SKILLS, "measured through the CLI transport, which ends before the reply"),
            "1.17.19", Map.of(ServerFeature.CLI_TRANSPORT, CLI_ENDLESS_RETRY),
            "1.18.33", Map.of(),
            "1.18.34", Map.of()));

    private final String measuredOn;
    private final NavigableMap<OpenCodeVersion, Map<ServerFeature, String>> lacking;

    /**
     * @param measuredOn the day of the conformance run, e.g. {@code 2026-12-02}
     * @param lacking    each measured version (e.g. {@code 1.1.65}) to the features it lacks, each with what fails
     *                   (empty: all work)
     * @throws IllegalArgumentException when {@code lacking} is empty or a key is not a version
     */
    public TestedVersions(String measuredOn, Map<String, Map<ServerFeature, String>> lacking) {
        this.measuredOn = Objects.requireNonNull(measuredOn, "measuredOn");
        if (lacking.isEmpty()) {
            throw new IllegalArgumentException("at least one measured version is needed");
        }
        TreeMap<OpenCodeVersion, Map<ServerFeature, String>> table = new TreeMap<>();
        lacking.forEach((version, features) -> table.put(OpenCodeVersion.require(version, "measured version"),
                features.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(features))));
        this.lacking = Collections.unmodifiableNavigableMap(table);
    }

    /** @return the table of the last conformance run, dated {@link #MEASURED_ON} */
    public static TestedVersions measured() {
        return MEASURED;
    }

    /** @return the day of the conformance run */
    public String measuredOn() {
        return measuredOn;
    }

    /** @return the oldest measured version */
    public OpenCodeVersion oldest() {
        return lacking.firstKey();
    }

    /** @return the newest measured version */
    public OpenCodeVersion newest() {
        return lacking.lastKey();
    }

    /** @return the measured versions, oldest first */
    public Set<OpenCodeVersion> versions() {
        return lacking.keySet();
    }

    /**
     * @param version a version
     * @return where it stands: {@link VersionStanding#TESTED}, {@code UNTESTED_WITHIN_RANGE}, {@code UNTESTED_NEWER}
     *     or {@code OLDER_THAN_TESTED}
     */
    public VersionStanding standingOf(OpenCodeVersion version) {
        if (lacking.containsKey(version)) {
            return VersionStanding.TESTED;
        }
        if (version.isOlderThan(oldest())) {
            return VersionStanding.OLDER_THAN_TESTED;
        }
        return newest().isOlderThan(version) ? VersionStanding.UNTESTED_NEWER : VersionStanding.UNTESTED_WITHIN_RANGE;
    }

    /**
     * @param version a version
     * @return the features it lacks, in declaration order, each with what fails: measured, or those of the nearest
     *     measured version below it (the oldest's when it is older than all); empty when all work
     */
    public Map<ServerFeature, String> lackedBy(OpenCodeVersion version) {
        Map.Entry<OpenCodeVersion, Map<ServerFeature, String>> nearest = lacking.floorEntry(version);
        return nearest == null ? lacking.firstEntry().getValue() : nearest.getValue();
    }

    /** @return e.g. {@code 1.1.65 to 1.18.34, measured 2026-12-02} */
    public String describeRange() {
        return oldest() + " to " + newest() + ", measured " + measuredOn;
    }
}
