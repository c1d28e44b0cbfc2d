package org.camelopencode.observe;

import org.apache.camel.CamelContext;

/**
 * Finds the Micrometer registry of a Camel context for {@link DispatchMetrics}, without needing Micrometer on the
 * classpath: an application that leaves it out (it is optional for the plain component) measures nothing.
 */
public final class MeterRegistryLookup {

    private static final String REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";
    private static final boolean MICROMETER_PRESENT = present();

    private MeterRegistryLookup() {
    }

    /**
     * @param context the Camel context
     * @return meters in the context's only {@code MeterRegistry} bean (camel-micrometer-prometheus's when
     *     {@code camel.metrics.enabled}), or {@code null} when there is none or Micrometer is not on the classpath
     */
    public static DispatchMetrics find(CamelContext context) {
        if (!MICROMETER_PRESENT || context == null) {
            return null;
        }
        var registry = context.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
        return registry == null ? null : new DispatchMetrics(registry);
    }

    private static boolean present() {
        try {
            Class.forName(REGISTRY_CLASS, false, MeterRegistryLookup.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
