package org.camelopencode.runner;

import java.util.Locale;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of a route under a {@link SpendCapRoutePolicy}: DOWN while the route is suspended because its spend in
 * the window reached the cap (the message gives the spend, the cap and when it should resume), UP otherwise. Details:
 * {@code spent} and {@code cap} (USD), {@code window} (ISO-8601), {@code suspended}, {@code resumeAt}. Id
 * {@code route-spend-cap:<routeId>}, group {@code camel}; readiness only (a spent budget is no reason to restart).
 */
public final class SpendCapHealthCheck extends AbstractHealthCheck {

    private final SpendCapRoutePolicy policy;
    private final String routeId;

    /**
     * @param policy the policy to report on
     * @param routeId its route's id, part of the check's id
     */
    public SpendCapHealthCheck(SpendCapRoutePolicy policy, String routeId) {
        super("camel", "route-spend-cap:" + routeId);
        this.policy = policy;
        this.routeId = routeId;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        double spent = policy.spentInWindow();
        builder.detail("spent", spent);
        builder.detail("cap", policy.getCap());
        builder.detail("window", policy.getWindow().toString());
        builder.detail("suspended", policy.isSuspended());
        if (!policy.isEnabled()) {
            builder.message("no spend cap (opencode.budget.route-cost is 0)").up();
        } else if (policy.isSuspended()) {
            builder.detail("resumeAt", String.valueOf(policy.getResumeAt()));
            builder.message(String.format(Locale.ROOT, "route %s is suspended: it spent %.4f USD of its %s USD cap in the last %s;"
                    + " it resumes about %s", routeId, spent, policy.getCap(), policy.getWindow(), policy.getResumeAt())).down();
        } else {
            builder.up();
        }
    }
}
