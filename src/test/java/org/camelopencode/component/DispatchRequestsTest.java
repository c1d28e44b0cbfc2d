package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.camelopencode.dispatch.DispatchLimits;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link DispatchRequests}: caps and stricter JSON retries from the task, the headers and the options. */
class DispatchRequestsTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    @Test
    void withoutAnySettingThereAreNoCapsAndOneStricterRetry() {
        DispatchRequest request = DispatchRequests.from(exchange("do it"), new OpenCodeConfiguration());
        assertThat(request.limits()).isEqualTo(DispatchLimits.DEFAULTS);
    }

    @Test
    void optionsApplyWhenNothingElseSaysOtherwise() {
        OpenCodeConfiguration configuration = new OpenCodeConfiguration();
        configuration.setJsonRetries(2);
        BudgetConfiguration budget = new BudgetConfiguration();
        budget.setMaxTokens(5000L);
        budget.setMaxCost(0.75);
        DispatchRequest request = DispatchRequests.from(exchange("do it"), configuration, new InteractionConfiguration(), budget, null);
        assertThat(request.limits()).isEqualTo(new DispatchLimits(5000L, 0.75, 2));
    }

    @Test
    void headersOverrideTheOptions() {
        BudgetConfiguration budget = new BudgetConfiguration();
        budget.setMaxTokens(5000L);
        budget.setMaxCost(0.75);
        Exchange exchange = exchange("do it");
        exchange.getMessage().setHeader(OpenCodeConstants.MAX_TOKENS, "1200");
        exchange.getMessage().setHeader(OpenCodeConstants.MAX_COST, 0.05);
        exchange.getMessage().setHeader(OpenCodeConstants.JSON_RETRIES, 0);
        assertThat(DispatchRequests.from(exchange, new OpenCodeConfiguration(), new InteractionConfiguration(), budget, null).limits())
                .isEqualTo(new DispatchLimits(1200L, 0.05, 0));
    }

    @Test
    void theTasksOwnCapsWinOverHeadersAndOptions() {
        BudgetConfiguration budget = new BudgetConfiguration();
        budget.setMaxCost(0.75);
        Exchange exchange = exchange(TaskSpec.ofPrompt("t", "do it").withMaxTokens(300L));
        exchange.getMessage().setHeader(OpenCodeConstants.MAX_TOKENS, 1200L);
        DispatchRequest request = DispatchRequests.from(exchange, new OpenCodeConfiguration(), new InteractionConfiguration(), budget, null);
        assertThat(request.limits().maxTokens()).isEqualTo(300L);
        assertThat(request.limits().maxCost()).isEqualTo(0.75);
    }

    @Test
    void malformedCapsAreInvalidTasks() {
        Exchange garbage = exchange("do it");
        garbage.getMessage().setHeader(OpenCodeConstants.MAX_TOKENS, "lots");
        assertThatThrownBy(() -> DispatchRequests.from(garbage, new OpenCodeConfiguration()))
                .isInstanceOf(OpenCodeFailureException.class)
                .satisfies(e -> assertThat(((OpenCodeFailureException) e).getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining("lots");
        Exchange negative = exchange("do it");
        negative.getMessage().setHeader(OpenCodeConstants.MAX_COST, -1);
        assertThatThrownBy(() -> DispatchRequests.from(negative, new OpenCodeConfiguration()))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("maxCost");
        Exchange retries = exchange("do it");
        retries.getMessage().setHeader(OpenCodeConstants.JSON_RETRIES, -2);
        assertThatThrownBy(() -> DispatchRequests.from(retries, new OpenCodeConfiguration()))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("jsonRetries");
    }
}
