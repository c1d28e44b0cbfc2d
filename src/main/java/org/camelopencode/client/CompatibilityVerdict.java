package org.camelopencode.client;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link ServerCompatibility} found out about one server at start.
 *
 * @param subject  what was checked, e.g. {@code OpenCode server http://127.0.0.1:4096} or
 *                 {@code OpenCode binary /usr/bin/opencode} (no credentials)
 * @param version  the version it reported, e.g. {@code 1.18.33}; null when it reported none or was not reached
 * @param standing where that version stands against {@code tested}
 * @param lacking  the features this version lacks as measured, each with what fails (see {@link TestedVersions#lackedBy});
 *                 empty when all work or when the version is unknown
 * @param detail   why the version is not known (unreachable, credentials refused); empty otherwise
 * @param tested   the measured versions it was judged against
 */
public record CompatibilityVerdict(String subject, String version, VersionStanding standing, Map<ServerFeature, String> lacking,
        String detail, TestedVersions tested) {

    /** @throws NullPointerException when a field other than {@code version} is null */
    public CompatibilityVerdict {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(standing, "standing");
        lacking = Objects.requireNonNull(lacking, "lacking").isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new EnumMap<>(lacking));
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(tested, "tested");
    }

    /**
     * @param feature a feature
     * @return true when this server's version is known to lack it
     */
    public boolean lacks(ServerFeature feature) {
        return lacking.containsKey(feature);
    }

    /** @return true when the start-up line should be a warning (see {@link VersionStanding#deservesWarning()}) or a feature is lacking */
    public boolean deservesWarning() {
        return standing.deservesWarning() || !lacking.isEmpty();
    }

    /**
     * The one start-up line, e.g. {@code OpenCode server http://127.0.0.1:4096 runs 1.18.33: tested (tested 1.1.65 to
     * 1.18.34, measured 2026-12-02)}, or {@code ... runs 1.15.13: tested (...); lacks CLI transport (opencode run prints
     * no line)}.
     *
     * @return the line, without credentials
     */
    public String logMessage() {
        StringBuilder line = new StringBuilder(subject);
        if (standing == VersionStanding.NOT_CHECKED) {
            line.append(": version not checked (").append(detail).append(')');
        } else if (version == null) {
            line.append(" reported no version: not judged against the tested range");
        } else if (standing == VersionStanding.UNPARSABLE) {
            line.append(" runs '").append(version).append("', not a version number: not judged against the tested range");
        } else {
            line.append(" runs ").append(version).append(": ").append(standing.label());
        }
        line.append(" (tested ").append(tested.describeRange()).append(')');
        if (!lacking.isEmpty()) {
            line.append("; lacks ").append(lacking.entrySet().stream()
                    .map(feature -> feature.getKey().label() + " (" + feature.getValue() + ")").collect(Collectors.joining("; ")));
        }
        return line.toString();
    }
}
