package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.camelopencode.client.IncompatibleServerException.Reason;

/**
 * The start-up check of one server: reads its version from {@code GET /global/health}
 * ({@code {"healthy":true,"version":"1.18.33"}}), judges it against the versions measured by {@code ./conformance.sh}
 * ({@link TestedVersions}) and a configured minimum, and tells a server of another API (OpenCode 2's {@code /api/*},
 * probed with {@code GET /api/health}) apart from an OpenCode 1.x one. One call per server; the component and the
 * runner log {@link CompatibilityVerdict#logMessage()}.
 */
public final class ServerCompatibility {

    /** Runner property (and {@code -D} / {@code OPENCODE_SERVER_MIN_VERSION}) of the minimum version. */
    public static final String MIN_VERSION_PROPERTY = "opencode.server.min-version";
    /** The component option of the minimum version. */
    public static final String MIN_VERSION_OPTION = "minServerVersion";

    static final String HEALTH_PATH = "/global/health";
    /** OpenCode 2's health route ({@code {"healthy":true}}); 1.18.x serves it too, beside {@link #HEALTH_PATH}. */
    static final String VERSION_TWO_HEALTH_PATH = "/api/health";

    private ServerCompatibility() {
    }

    /**
     * Checks one server against the measured table of {@link TestedVersions#measured()}.
     *
     * @param client     the server's client (its credentials are used, never shown)
     * @param minVersion the lowest version to accept, e.g. {@code 1.14.0}; null or blank for none
     * @return the verdict; {@link VersionStanding#NOT_CHECKED} when the server is unreachable, answers 5xx or refuses
     *     the credentials (the dispatches then fail as they would without this check)
     * @throws IncompatibleServerException when the version is below {@code minVersion} (or unreadable while one is
     *     set), or the server does not speak the OpenCode 1.x API
     * @throws IllegalArgumentException    when {@code minVersion} is not a version
     */
    public static CompatibilityVerdict check(OpenCodeClient client, String minVersion) {
        return check(client, minVersion, TestedVersions.measured());
    }

    /**
     * Checks one server: {@code GET /global/health}, and {@code GET /api/health} when the first does not answer as
     * OpenCode 1.x does.
     *
     * @param client     the server's client
     * @param minVersion the lowest version to accept; null or blank for none
     * @param tested     the measured versions
     * @return the verdict
     * @throws IncompatibleServerException see {@link #check(OpenCodeClient, String)}
     * @throws IllegalArgumentException    when {@code minVersion} is not a version
     */
    public static CompatibilityVerdict check(OpenCodeClient client, String minVersion, TestedVersions tested) {
        Optional<OpenCodeVersion> minimum = minimum(minVersion);
        String server = "OpenCode server " + client.endpoint().baseUri();
        JsonNode health;
        try {
            health = client.readJson(HEALTH_PATH);
        } catch (OpenCodeApiException refused) {
            if (refused instanceof OpenCodeAuthenticationException || refused.statusCode() >= 500) {
                return notChecked(server, "GET " + HEALTH_PATH + " answered HTTP " + refused.statusCode()
                        + (refused instanceof OpenCodeAuthenticationException ? ": check the username and password" : ""),
                        minimum, tested);
            }
            throw differentApi(client, server, "GET " + HEALTH_PATH + " answered HTTP " + refused.statusCode(), tested);
        } catch (OpenCodeProtocolException notJson) {
            throw differentApi(client, server, "GET " + HEALTH_PATH + " answered no JSON", tested);
        } catch (OpenCodeConnectionException unreachable) {
            return notChecked(server, "unreachable: " + unreachable.getMessage(), minimum, tested);
        }
        if (!health.isObject() || !health.path("healthy").isBoolean()) {
            throw differentApi(client, server, "GET " + HEALTH_PATH + " answered "
                    + OpenCodeProtocolException.excerpt(health.toString()) + ", not {\"healthy\":...,\"version\":...}", tested);
        }
        JsonNode version = health.get("version");
        return judge(server, version == null || version.isNull() ? null : version.asText(), minimum, tested);
    }

    /**
     * Judges a version already read (pure): the server's, or {@code opencode --version} of the binary the CLI
     * transport runs.
     *
     * @param subject    what to name in the verdict and errors, e.g. {@code OpenCode binary /usr/bin/opencode}
     * @param version    the reported version, e.g. {@code 1.18.33}; null when none was reported
     * @param minVersion the lowest version to accept; null or blank for none
     * @param tested     the measured versions
     * @return the verdict
     * @throws IncompatibleServerException when {@code version} is below {@code minVersion}, or not a version while a
     *     minimum is set
     * @throws IllegalArgumentException    when {@code minVersion} is not a version
     */
    public static CompatibilityVerdict judge(String subject, String version, String minVersion, TestedVersions tested) {
        return judge(subject, version, minimum(minVersion), tested);
    }

    private static CompatibilityVerdict judge(String subject, String versionText, Optional<OpenCodeVersion> minimum,
            TestedVersions tested) {
        Optional<OpenCodeVersion> version = OpenCodeVersion.parse(versionText);
        if (minimum.isPresent()) {
            if (version.isEmpty()) {
                throw new IncompatibleServerException(Reason.BELOW_MINIMUM_VERSION, subject
                        + (versionText == null ? " reports no version" : " reports version '" + versionText + "'")
                        + ", which cannot be compared with the configured minimum " + minimum.get() + settingNames());
            }
            if (version.get().isOlderThan(minimum.get())) {
                throw new IncompatibleServerException(Reason.BELOW_MINIMUM_VERSION, subject + " runs "
                        + version.get() + ", below the configured minimum " + minimum.get() + settingNames()
                        + ": upgrade the server or lower the minimum");
            }
        }
        if (version.isEmpty()) {
            return new CompatibilityVerdict(subject, versionText, VersionStanding.UNPARSABLE, Map.of(), "", tested);
        }
        return new CompatibilityVerdict(subject, versionText, tested.standingOf(version.get()),
                tested.lackedBy(version.get()), "", tested);
    }

    private static Optional<OpenCodeVersion> minimum(String minVersion) {
        return minVersion == null || minVersion.isBlank() ? Optional.empty()
                : Optional.of(OpenCodeVersion.require(minVersion, MIN_VERSION_PROPERTY));
    }

    private static String settingNames() {
        return " (" + MIN_VERSION_PROPERTY + ", component option " + MIN_VERSION_OPTION + ")";
    }

    private static CompatibilityVerdict notChecked(String server, String why, Optional<OpenCodeVersion> minimum,
            TestedVersions tested) {
        String detail = why + minimum.map(version -> "; the minimum " + version + " could not be checked").orElse("");
        return new CompatibilityVerdict(server, null, VersionStanding.NOT_CHECKED, Map.of(), detail, tested);
    }

    private static IncompatibleServerException differentApi(OpenCodeClient client, String server, String healthAnswer,
            TestedVersions tested) {
        String probe;
        boolean versionTwo;
        try {
            JsonNode answer = client.readJson(VERSION_TWO_HEALTH_PATH);
            versionTwo = answer.isObject() && answer.path("healthy").isBoolean();
            probe = "GET " + VERSION_TWO_HEALTH_PATH + " answered " + OpenCodeProtocolException.excerpt(answer.toString());
        } catch (OpenCodeClientException failed) {
            versionTwo = false;
            probe = "GET " + VERSION_TWO_HEALTH_PATH + " failed too (" + failed.getMessage() + ")";
        }
        String speaks = "camel-opencode speaks the OpenCode 1.x API (tested " + tested.describeRange() + ")";
        return new IncompatibleServerException(Reason.DIFFERENT_API, versionTwo
                ? server + " speaks a different API: " + healthAnswer + " and " + probe
                        + ", as OpenCode 2's /api/* contracts do. " + speaks + ": point it at an OpenCode 1.x server"
                : server + " does not answer as OpenCode 1.x does: " + healthAnswer + "; " + probe + ". " + speaks
                        + ": check the server URL");
    }
}
