package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Each endpoint copies every option group of its component (general, interaction, budget, CLI, workspace) when it is
 * made: its URI options change only its copy, and an endpoint without them keeps the component's defaults.
 */
class EndpointOptionsCopyTest {

    @Test
    void uriOptionsChangeTheEndpointsCopyOnlyAndOtherEndpointsKeepTheComponentsDefaults() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OpenCodeComponent component = new OpenCodeComponent();
            component.getInteractionConfiguration().setPermissionPolicy("*=reject");
            component.getInteractionConfiguration().setApprovalTimeToLive(Duration.ofMinutes(5));
            component.getBudgetConfiguration().setMaxTokens(1000L);
            component.getWorkspaceConfiguration().setWorkspace("shared");
            context.addComponent("opencode", component);

            OpenCodeEndpoint changed = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:1&maxTokens=5"
                    + "&permissionPolicy=bash:*=allow&approvalTimeToLive=90&maxCost=0.25&workspace=worktree", OpenCodeEndpoint.class);
            OpenCodeEndpoint plain = context.getEndpoint("opencode:dispatch?serverUrl=http://127.0.0.1:2", OpenCodeEndpoint.class);

            assertThat(changed.getBudgetConfiguration().getMaxTokens()).isEqualTo(5L);
            assertThat(changed.getBudgetConfiguration().getMaxCost()).isEqualTo(0.25);
            assertThat(changed.getInteractionConfiguration().getPermissionPolicy()).isEqualTo("bash:*=allow");
            assertThat(changed.getInteractionConfiguration().getApprovalTimeToLive()).as("a bare number is whole seconds")
                    .isEqualTo(Duration.ofSeconds(90));
            assertThat(changed.getWorkspaceConfiguration().getWorkspace()).isEqualTo("worktree");

            assertThat(plain.getBudgetConfiguration().getMaxTokens()).isEqualTo(1000L);
            assertThat(plain.getBudgetConfiguration().getMaxCost()).isNull();
            assertThat(plain.getInteractionConfiguration().getPermissionPolicy()).isEqualTo("*=reject");
            assertThat(plain.getInteractionConfiguration().getApprovalTimeToLive()).isEqualTo(Duration.ofMinutes(5));
            assertThat(plain.getWorkspaceConfiguration().getWorkspace()).isEqualTo("shared");

            assertThat(component.getBudgetConfiguration().getMaxTokens()).as("the component's own defaults are untouched").isEqualTo(1000L);
            assertThat(component.getInteractionConfiguration().getPermissionPolicy()).isEqualTo("*=reject");
            assertThat(changed.getInteractionConfiguration()).isNotSameAs(component.getInteractionConfiguration());
            assertThat(changed.getBudgetConfiguration()).isNotSameAs(plain.getBudgetConfiguration());
        }
    }
}
