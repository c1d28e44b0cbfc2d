package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;

/**
 * The tooling metadata camel-component-maven-plugin generates is on the classpath and Camel finds it the way its
 * tooling does: the component JSON ({@code CatalogCamelContext.getComponentParameterJsonSchema}), the component and endpoint
 * configurers (reflection-free option binding) and the endpoint URI factory. {@code ComponentJarIT} checks the same
 * files are inside the packaged jars.
 */
class ComponentMetadataTest {

    @Test
    void camelFindsTheComponentJsonConfigurersAndUriFactory() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            String json = context.getComponentParameterJsonSchema("opencode"); // CatalogCamelContext
            assertThat(json).contains("\"scheme\": \"opencode\"").contains("\"syntax\": \"opencode:operation\"")
                    .contains("\"CamelOpenCodeOperation\"").contains("\"serverUrl\"");

            PropertyConfigurer componentConfigurer = PluginHelper.getConfigurerResolver(context)
                    .resolvePropertyConfigurer("opencode-component", context);
            assertThat(componentConfigurer).isInstanceOf(OpenCodeComponentConfigurer.class);
            OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
            assertThat(componentConfigurer.configure(context, component, "managedInstances", 3, true)).isTrue();
            assertThat(component.getFleetConfiguration().getManagedInstances()).isEqualTo(3);

            PropertyConfigurer endpointConfigurer = PluginHelper.getConfigurerResolver(context)
                    .resolvePropertyConfigurer("opencode-endpoint", context);
            assertThat(endpointConfigurer).isInstanceOf(OpenCodeEndpointConfigurer.class);

            EndpointUriFactory uriFactory = context.getCamelContextExtension().getEndpointUriFactory("opencode");
            assertThat(uriFactory).isInstanceOf(OpenCodeEndpointUriFactory.class);
            assertThat(uriFactory.buildUri("opencode", Map.of("operation", "dispatch", "timeout", "PT1M"), false))
                    .isEqualTo("opencode:dispatch?timeout=PT1M");
            assertThat(uriFactory.propertyNames()).contains("operation", "serverUrl", "timeout");
        }
    }
}
