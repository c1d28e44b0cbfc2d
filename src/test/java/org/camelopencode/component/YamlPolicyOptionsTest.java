package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * The README's YAML form of the policy options survives Camel's URI handling: rules with spaces,
 * {@code ;} and {@code *}, and an approval endpoint URI with its own query.
 */
class YamlPolicyOptionsTest {

    @Test
    void policiesAndApprovalEndpointFromYamlParameters() throws Exception {
        String yaml = """
                - route:
                    from:
                      uri: "direct:deploy"
                      steps:
                        - to:
                            uri: "opencode:dispatch"
                            parameters:
                              serverUrl: "http://127.0.0.1:1"
                              permissionPolicy: "bash:git *=allow; bash:rm *=reject:never delete files; *=escalate"
                              questionPolicy: "Env=staging; *=first"
                              approvalEndpoint: "jms:queue:approvals?preserveMessageQos=true"
                              approvalTimeToLive: PT1H
                """;
        try (CamelContext camel = new DefaultCamelContext()) {
            Resource resource = ResourceHelper.fromBytes("deploy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
            PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
            camel.start();
            OpenCodeEndpoint endpoint = camel.getEndpoints().stream().filter(OpenCodeEndpoint.class::isInstance)
                    .map(OpenCodeEndpoint.class::cast).findFirst().orElseThrow();
            InteractionConfiguration configuration = endpoint.getInteractionConfiguration();
            assertThat(configuration.getPermissionPolicy()).isEqualTo("bash:git *=allow; bash:rm *=reject:never delete files; *=escalate");
            assertThat(configuration.getQuestionPolicy()).isEqualTo("Env=staging; *=first");
            assertThat(configuration.getApprovalEndpoint()).isEqualTo("jms:queue:approvals?preserveMessageQos=true");
            assertThat(configuration.getApprovalTimeToLive()).isEqualTo(java.time.Duration.ofHours(1));
        }
    }
}
