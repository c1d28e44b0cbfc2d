package org.camelopencode.component;

import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;
import org.apache.camel.support.component.PropertyConfigurerSupport;
import org.camelopencode.task.Durations;

/**
 * Wraps a configurer camel-component-maven-plugin generated so that every {@link Duration} option of this component
 * reads its text with {@link Durations} (ISO-8601, Camel's {@code 1m30s} form, or a bare number of <em>whole
 * seconds</em>), the meaning these options had before they were typed. Camel's own String-to-Duration conversion
 * would read {@code timeout=30} as 30 milliseconds and a malformed {@code 5x} as zero. The wrapper is used for URI
 * options ({@code opencode:dispatch?timeout=30}) and for component options ({@code camel.component.opencode.timeout}).
 * Other options, bean references ({@code #bean:...}) and values that are already durations go to the generated
 * configurer unchanged.
 */
final class DurationOptionConfigurer implements GeneratedPropertyConfigurer, PropertyConfigurerGetter {

    private final PropertyConfigurer generated;
    private final PropertyConfigurerGetter getter;

    private DurationOptionConfigurer(PropertyConfigurer generated) {
        this.generated = generated;
        this.getter = (PropertyConfigurerGetter) generated;
    }

    /**
     * @param wrapped the wrapper made earlier, or {@code null}
     * @param generated the generated configurer Camel resolved, or {@code null} (before the component is built)
     * @return {@code wrapped} when it wraps {@code generated}; else a new wrapper of {@code generated}, or
     *     {@code generated} itself when it is {@code null} or cannot tell option types
     */
    static PropertyConfigurer wrap(PropertyConfigurer wrapped, PropertyConfigurer generated) {
        if (wrapped instanceof DurationOptionConfigurer current && current.generated == generated) {
            return wrapped;
        }
        return generated instanceof PropertyConfigurerGetter ? new DurationOptionConfigurer(generated) : generated;
    }

    /**
     * @throws IllegalArgumentException when a duration option's text is malformed or negative, naming the option
     */
    @Override
    public boolean configure(CamelContext camelContext, Object target, String name, Object value, boolean ignoreCase) {
        Object converted = value;
        if (getter.getOptionType(name, ignoreCase) == Duration.class) {
            converted = toDuration(name, value);
        }
        return generated.configure(camelContext, target, name, converted, ignoreCase);
    }

    private static Object toDuration(String name, Object value) {
        if (value instanceof String text && !text.startsWith("#") && !PropertyConfigurerSupport.MAGIC_VALUE.equals(text)) {
            return Durations.parse(text, name, Durations.BareNumber.SECONDS);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return Durations.parse(value.toString(), name, Durations.BareNumber.SECONDS);
        }
        return value;
    }

    @Override
    public Class<?> getOptionType(String name, boolean ignoreCase) {
        return getter.getOptionType(name, ignoreCase);
    }

    @Override
    public Object getOptionValue(Object target, String name, boolean ignoreCase) {
        return getter.getOptionValue(target, name, ignoreCase);
    }

    @Override
    public Object getCollectionValueType(Object target, String name, boolean ignoreCase) {
        return getter.getCollectionValueType(target, name, ignoreCase);
    }

    @Override
    public String[] getAutowiredNames() {
        return getter.getAutowiredNames();
    }
}
