package org.camelopencode.runner;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.camel.spi.PropertiesComponent;
import org.camelopencode.task.Durations;

/**
 * The runner's {@code opencode.*} properties read through Camel, so {@code -Dkey=value} and the
 * environment variable form ({@code OPENCODE_SERVER_URL}) override {@code application.properties}.
 * A blank value counts as unset.
 *
 * <p>Each default is stated once: a runner key's default is its value in {@code application.properties} (read with
 * {@link #require} and the typed readers, which fail naming the key when it is missing); a key that sets a component
 * option is blank there and, when unset, leaves the component's own default ({@link #duration}, {@link #get}).
 */
final class RunnerProperties {

    private final PropertiesComponent properties;

    RunnerProperties(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** @return the stripped value, or {@code null} when unset or blank */
    String get(String key) {
        return properties.resolveProperty(key).filter(value -> !value.isBlank()).map(String::strip).orElse(null);
    }

    /**
     * @return the stripped value, or the fallback when unset or blank; prefer {@link #require}, whose default is in
     *     {@code application.properties}
     */
    String getOrDefault(String key, String fallback) {
        String value = get(key);
        return value == null ? fallback : value;
    }

    /**
     * @param key a runner key {@code application.properties} gives a value
     * @return its stripped value
     * @throws IllegalArgumentException when it is unset or blank
     */
    String require(String key) {
        String value = get(key);
        if (value == null) {
            throw new IllegalArgumentException(key + " is not set: application.properties gives it a value; set it with -D" + key
                    + "=... or in application.properties");
        }
        return value;
    }

    /** @return whether the property is {@code true} (case-insensitive); unset = false */
    boolean isTrue(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /**
     * @param key a runner key {@code application.properties} gives a value
     * @return its value as a whole number
     * @throws IllegalArgumentException when it is unset or not a whole number, naming the key
     */
    long number(String key) {
        String value = require(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException malformed) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    /**
     * @param key a key that sets a component option
     * @return its value as a whole number, empty when unset or blank (the option keeps its default)
     * @throws IllegalArgumentException when it is not a whole number, naming the key
     */
    OptionalLong optionalNumber(String key) {
        return get(key) == null ? OptionalLong.empty() : OptionalLong.of(number(key));
    }

    /**
     * @param key a runner key {@code application.properties} gives a value
     * @return its value as a decimal number
     * @throws IllegalArgumentException when it is unset or not a number, naming the key
     */
    double decimal(String key) {
        String value = require(key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException malformed) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
        }
    }

    /**
     * @param key a duration key
     * @param bareNumber what a bare number means for it (the README's Settings table says which)
     * @return its duration ({@link Durations}: ISO-8601, Camel's form or a bare number), empty when unset or blank
     * @throws IllegalArgumentException when it is malformed or negative, naming the key
     */
    Optional<Duration> duration(String key, Durations.BareNumber bareNumber) {
        String value = get(key);
        return value == null ? Optional.empty() : Optional.of(Durations.parse(value, key, bareNumber));
    }

    /**
     * @param key a runner duration key {@code application.properties} gives a value
     * @param bareNumber what a bare number means for it
     * @return its duration
     * @throws IllegalArgumentException when it is unset, malformed or negative, naming the key
     */
    Duration requireDuration(String key, Durations.BareNumber bareNumber) {
        return Durations.parse(require(key), key, bareNumber);
    }
}
