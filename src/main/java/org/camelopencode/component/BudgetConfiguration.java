package org.camelopencode.component;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of {@code opencode:dispatch} that cap what one attempt may spend: tokens and cost, summed over the steps
 * the session's {@code message.updated} events report; over a cap the session is aborted and the attempt fails as
 * {@code budget_exceeded}. Set on the component, they are the defaults every endpoint copies; set on an endpoint URI,
 * they apply to that endpoint only; a task's own {@code maxTokens} / {@code maxCost} wins.
 */
@UriParams
public class BudgetConfiguration implements Cloneable {

    @UriParam(label = "producer", description = "dispatch: cap on the input + output + reasoning tokens of one attempt, summed over its steps;"
            + " over it the session is aborted and the attempt fails as budget_exceeded. Unset = no cap. A task's maxTokens wins.")
    private Long maxTokens;
    @UriParam(label = "producer", description = "dispatch: cap on the cost of one attempt in USD, summed over its steps;"
            + " over it the session is aborted and the attempt fails as budget_exceeded. Unset = no cap. A task's maxCost wins.")
    private Double maxCost;

    /** @return a copy, so endpoints can change their copy without touching the component's */
    public BudgetConfiguration copy() {
        try {
            return (BudgetConfiguration) clone();
        } catch (CloneNotSupportedException impossible) {
            throw new RuntimeCamelException(impossible);
        }
    }

    /** @return the token cap of one attempt, or {@code null} for none */
    public Long getMaxTokens() {
        return maxTokens;
    }

    /** @param maxTokens the token cap of one attempt (positive), or {@code null} for none */
    public void setMaxTokens(Long maxTokens) {
        this.maxTokens = maxTokens;
    }

    /** @return the cost cap of one attempt in USD, or {@code null} for none */
    public Double getMaxCost() {
        return maxCost;
    }

    /** @param maxCost the cost cap of one attempt in USD (positive), or {@code null} for none */
    public void setMaxCost(Double maxCost) {
        this.maxCost = maxCost;
    }
}
