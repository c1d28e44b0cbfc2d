package org.camelopencode.client;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenCode release number as {@code GET /global/health} reports it ({@code "version":"1.18.33"}) and
 * {@code opencode --version} prints it: {@code MAJOR.MINOR.PATCH}, optionally with a leading {@code v}, a
 * pre-release ({@code -beta.1}) and build metadata ({@code +abc}, ignored). Ordered as semantic versions: a
 * pre-release sorts before its release, pre-releases compare as text.
 *
 * @param major      the major number (OpenCode 1.x: 1)
 * @param minor      the minor number
 * @param patch      the patch number (0 when a two-part form such as {@code 1.14} was given)
 * @param preRelease the pre-release, or the empty string
 */
public record OpenCodeVersion(int major, int minor, int patch, String preRelease) implements Comparable<OpenCodeVersion> {

    private static final Pattern FORM = Pattern.compile(
            "v?(\\d{1,9})\\.(\\d{1,9})(?:\\.(\\d{1,9}))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Comparator<OpenCodeVersion> ORDER = Comparator.comparingInt(OpenCodeVersion::major)
            .thenComparingInt(OpenCodeVersion::minor)
            .thenComparingInt(OpenCodeVersion::patch)
            .thenComparing(OpenCodeVersion::preRelease, OpenCodeVersion::comparePreRelease);

    /**
     * @throws IllegalArgumentException when a number is negative
     * @throws NullPointerException     when {@code preRelease} is null
     */
    public OpenCodeVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers cannot be negative: " + major + "." + minor + "." + patch);
        }
        Objects.requireNonNull(preRelease, "preRelease");
    }

    /**
     * Reads a version.
     *
     * @param text e.g. {@code 1.18.33}, {@code v1.3.2}, {@code 1.14}, {@code 2.0.0-beta.3}; may be null
     * @return the version, or empty when the text is null, blank or not of that form (e.g. {@code dev}, {@code local})
     */
    public static Optional<OpenCodeVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = FORM.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new OpenCodeVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3)),
                matcher.group(4) == null ? "" : matcher.group(4)));
    }

    /**
     * Reads a version that must be well formed, such as a configured minimum.
     *
     * @param text    the text
     * @param setting what it is, named in the error, e.g. {@code opencode.server.min-version}
     * @return the version
     * @throws IllegalArgumentException when the text is not a version such as {@code 1.14.0}
     */
    public static OpenCodeVersion require(String text, String setting) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                setting + " '" + text + "' is not an OpenCode version such as 1.14.0"));
    }

    /**
     * @param other another version
     * @return true when this one sorts before {@code other}
     */
    public boolean isOlderThan(OpenCodeVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(OpenCodeVersion other) {
        return ORDER.compare(this, other);
    }

    /** @return {@code MAJOR.MINOR.PATCH[-preRelease]} */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }

    private static int comparePreRelease(String left, String right) {
        if (left.isEmpty() || right.isEmpty()) {
            // No pre-release is the release itself, which sorts after all its pre-releases.
            return Boolean.compare(left.isEmpty(), right.isEmpty());
        }
        return left.compareTo(right);
    }
}
