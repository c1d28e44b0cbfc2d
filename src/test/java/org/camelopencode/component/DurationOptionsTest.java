package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The component's duration options are {@link Duration}s that read ISO-8601, Camel's {@code 1m30s} form and a bare
 * number of whole seconds, on the URI and as component options (as camel-main binds
 * {@code camel.component.opencode.*}); Camel's own converter would read {@code 30} as 30 ms.
 */
class DurationOptionsTest {

    @ParameterizedTest(name = "timeout={0}")
    @CsvSource({"5s, 5000", "PT5S, 5000", "30, 30000", "1m30s, 90000", "pt2m, 120000", "250ms, 250"})
    void endpointDurationOptionsReadIsoCamelFormAndWholeSeconds(String text, long millis) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeEndpoint endpoint = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:1&timeout=" + text
                    + "&pollInterval=" + text + "&approvalTimeToLive=" + text, OpenCodeEndpoint.class);
            assertThat(endpoint.getConfiguration().getTimeout()).isEqualTo(Duration.ofMillis(millis));
            assertThat(endpoint.getConfiguration().getPollInterval()).isEqualTo(Duration.ofMillis(millis));
            assertThat(endpoint.getInteractionConfiguration().getApprovalTimeToLive()).isEqualTo(Duration.ofMillis(millis));
        }
    }

    @Test
    void aMalformedDurationNamesTheOption() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertThatThrownBy(() -> context.getEndpoint("opencode:dispatch?timeout=5x"))
                    .isInstanceOf(ResolveEndpointFailedException.class)
                    .hasStackTraceContaining("timeout must be an ISO-8601 duration such as PT30S, Camel's form such as 30s or 1m30s,"
                            + " or whole seconds, got '5x'");
            assertThatThrownBy(() -> context.getEndpoint("opencode:dispatch?requestTimeout=-1"))
                    .hasStackTraceContaining("requestTimeout must not be negative, got '-1'");
        }
    }

    @Test
    void componentOptionsBindTheSameWayAsCamelMainBindsThem() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
            PropertyBindingSupport.build().withConfigurer(component.getComponentPropertyConfigurer()).withIgnoreCase(true)
                    .withMandatory(true).bind(context, component, new java.util.HashMap<>(Map.of(
                            "timeout", "30", "managedStartTimeout", "90", "managedDrainTimeout", "2m",
                            "managedHealthInterval", "PT1S", "progressInterval", "0", "serverLostTimeout", "1m30s")));
            assertThat(component.getConfiguration().getTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(component.getConfiguration().getServerLostTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(component.getFleetConfiguration().getManagedStartTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(component.getFleetConfiguration().getManagedDrainTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertThat(component.getFleetConfiguration().getManagedHealthInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(component.getServicesConfiguration().getProgressInterval()).isZero();
            // Copied into every endpoint, whose own options still win.
            OpenCodeEndpoint endpoint = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:1&pollInterval=3",
                    OpenCodeEndpoint.class);
            assertThat(endpoint.getConfiguration().getTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(endpoint.getConfiguration().getPollInterval()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void camelMainComponentPropertiesReadBareNumbersAsSeconds() throws Exception {
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        main.addOverrideProperty("camel.component.opencode.timeout", "45");
        main.addOverrideProperty("camel.component.opencode.managedStartTimeout", "2m");
        main.addOverrideProperty("camel.component.opencode.approvalTimeToLive", "PT10M");
        main.start();
        try {
            OpenCodeComponent component = main.getCamelContext().getComponent("opencode", OpenCodeComponent.class);
            assertThat(component.getConfiguration().getTimeout()).isEqualTo(Duration.ofSeconds(45));
            assertThat(component.getFleetConfiguration().getManagedStartTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertThat(component.getInteractionConfiguration().getApprovalTimeToLive()).isEqualTo(Duration.ofMinutes(10));
        } finally {
            main.stop();
        }
    }

    @Test
    void aDurationValueAndOtherOptionsGoToTheGeneratedConfigurerUnchanged() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
            var configurer = component.getComponentPropertyConfigurer();
            assertThat(configurer.configure(context, component, "timeout", Duration.ofMillis(30), false)).isTrue();
            assertThat(configurer.configure(context, component, "managedInstances", "3", false)).isTrue();
            assertThat(configurer.configure(context, component, "noSuchOption", "3", false)).isFalse();
            assertThat(component.getConfiguration().getTimeout()).isEqualTo(Duration.ofMillis(30));
            assertThat(component.getFleetConfiguration().getManagedInstances()).isEqualTo(3);
            assertThat(component.getComponentPropertyConfigurer()).isSameAs(configurer);
        }
    }
}
