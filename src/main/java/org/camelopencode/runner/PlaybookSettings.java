package org.camelopencode.runner;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.model.RouteDefinition;
import org.camelopencode.task.Durations;
import org.camelopencode.task.Durations.BareNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the playbook's beans from the runner's properties: {@code opencodePlaybook} ({@link RetryPlaybook}, from
 * {@code opencode.fallback-models}, {@code opencode.retry.max-attempts}, {@code opencode.retry.max-delay}) and
 * a {@link SpendCapRoutePolicy} for every route on the playbook ({@link SpendCapRoutePolicy}, from {@code opencode.budget.route-cost} and
 * {@code opencode.budget.window}). The per-kind numbers ({@code opencode.retry.<kind>.max}, delays, multiplier) are
 * read by {@code routes/playbook.yaml} itself.
 */
final class PlaybookSettings {

    /** The id of the playbook's routeConfiguration (routes/playbook.yaml); routes using it get a spend cap. */
    static final String PLAYBOOK = "opencode-playbook";

    private static final Logger LOG = LoggerFactory.getLogger(PlaybookSettings.class);

    private PlaybookSettings() {
    }

    /**
     * @param context the Camel context whose registry gets the beans
     * @param settings the runner's properties
     * @throws IllegalArgumentException when a value is malformed (naming the property)
     */
    static void bind(CamelContext context, RunnerProperties settings) {
        String models = settings.get("opencode.fallback-models");
        List<String> fallbackModels = models == null ? List.of()
                : Arrays.stream(models.split(",")).map(String::strip).filter(model -> !model.isEmpty()).toList();
        int maxAttempts = Math.toIntExact(settings.number("opencode.retry.max-attempts"));
        Duration maxDelay = settings.requireDuration("opencode.retry.max-delay", BareNumber.MILLISECONDS);
        context.getRegistry().bind("opencodePlaybook", new RetryPlaybook(fallbackModels, maxAttempts, maxDelay));
        double cap = settings.decimal("opencode.budget.route-cost");
        Duration window = Durations.requirePositive(settings.requireDuration("opencode.budget.window", BareNumber.SECONDS),
                "opencode.budget.window");
        // One policy per task route (every route on the playbook): each route has its own cap and window.
        context.addRoutePolicyFactory((camelContext, routeId, route) -> route instanceof RouteDefinition definition
                && definition.getRouteConfigurationId() != null && definition.getRouteConfigurationId().contains(PLAYBOOK)
                ? new SpendCapRoutePolicy(cap, window, Clock.systemUTC()) : null);
        if (!fallbackModels.isEmpty()) {
            LOG.info("Playbook: rate_limited and provider_unavailable retries move along the fallback models {}", fallbackModels);
        }
        if (cap > 0) {
            LOG.info("Spend cap: each capped route may spend {} USD per {}", cap, window);
        }
    }
}
