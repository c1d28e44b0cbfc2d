package org.camelopencode.runner;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The runner's {@code opencode.*} properties read through Camel, so {@code -Dkey=value} and the
 * environment variable form ({@code OPENCODE_SERVER_URL}) override {@code application.properties}.
 * A blank value counts as unset.
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

    /** @return the stripped value, or the fallback when unset or blank */
    String getOrDefault(String key, String fallback) {
        String value = get(key);
        return value == null ? fallback : value;
    }

    /** @return whether the property is {@code true} (case-insensitive) */
    boolean isTrue(String key) {
        return Boolean.parseBoolean(get(key));
    }
}
