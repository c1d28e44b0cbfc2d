package org.camelopencode.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * An {@code opencode:operation} endpoint. Every operation but {@code events} is a producer
 * ({@code to("opencode:dispatch")}); {@code events} is the only consumer ({@code from("opencode:events")},
 * see {@link OpenCodeEventsConsumer}).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "opencode", title = "OpenCode", syntax = "opencode:operation",
        category = { Category.AI }, headersClass = OpenCodeConstants.class)
public class OpenCodeEndpoint extends DefaultEndpoint {

    @UriPath(description = "The operation: dispatch (session, prompt, completion gate), createSession, prompt, promptAsync, abort, messages, status, health, approve, pending,"
            + " fleet, ledger or cluster (producers), or events (the consumer of the server's event stream).")
    @Metadata(required = true)
    private OpenCodeOperation operation;

    @UriParam
    private OpenCodeConfiguration configuration;
    @UriParam
    private CliConfiguration cliConfiguration;
    @UriParam
    private WorkspaceConfiguration workspaceConfiguration;
    @UriParam
    private InteractionConfiguration interactionConfiguration;
    @UriParam
    private BudgetConfiguration budgetConfiguration;

    private volatile OpenCodeServers servers;

    /**
     * @param uri the endpoint URI
     * @param component the owning component, whose options this endpoint copies (its own URI options then change only
     *     the copies)
     */
    public OpenCodeEndpoint(String uri, OpenCodeComponent component) {
        super(uri, component);
        this.configuration = component.getConfiguration().copy();
        this.cliConfiguration = component.getCliConfiguration().copy();
        this.workspaceConfiguration = component.getWorkspaceConfiguration().copy();
        this.interactionConfiguration = component.getInteractionConfiguration().copy();
        this.budgetConfiguration = component.getBudgetConfiguration().copy();
    }

    @Override
    public OpenCodeComponent getComponent() {
        return (OpenCodeComponent) super.getComponent();
    }

    /**
     * @return the producer
     * @throws UnsupportedOperationException for {@code opencode:events}, which only consumes
     */
    @Override
    public Producer createProducer() {
        if (operation == OpenCodeOperation.events) {
            throw new UnsupportedOperationException("opencode:events is a consumer endpoint; use it in from(), not to()");
        }
        return new OpenCodeProducer(this);
    }

    /**
     * @param processor the route
     * @return the events consumer, configured like the other consumers of the route (exception handler, bridge)
     * @throws UnsupportedOperationException for every operation but {@code events}
     * @throws Exception when Camel cannot configure the consumer
     */
    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (operation != OpenCodeOperation.events) {
            throw new UnsupportedOperationException("opencode:" + operation + " is a producer endpoint; only opencode:events can be used in from()");
        }
        OpenCodeEventsConsumer consumer = new OpenCodeEventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /**
     * @return this endpoint's servers, chosen on first call from its {@code serverUrl} (or the fleet without one) and
     *     kept; nothing connects here
     */
    OpenCodeServers servers() {
        OpenCodeServers chosen = servers;
        if (chosen == null) {
            synchronized (this) {
                if (servers == null) {
                    servers = getComponent().serversFor(configuration);
                }
                chosen = servers;
            }
        }
        return chosen;
    }

    /** @return the operation from the URI path */
    public OpenCodeOperation getOperation() {
        return operation;
    }

    /** @param operation the operation */
    public void setOperation(OpenCodeOperation operation) {
        this.operation = operation;
    }

    /** @return this endpoint's options */
    public OpenCodeConfiguration getConfiguration() {
        return configuration;
    }

    /** @param configuration this endpoint's options */
    public void setConfiguration(OpenCodeConfiguration configuration) {
        this.configuration = configuration;
    }

    /** @return this endpoint's options of the CLI transport */
    public CliConfiguration getCliConfiguration() {
        return cliConfiguration;
    }

    /** @param cliConfiguration this endpoint's options of the CLI transport */
    public void setCliConfiguration(CliConfiguration cliConfiguration) {
        this.cliConfiguration = cliConfiguration;
    }

    /** @return this endpoint's workspace options */
    public WorkspaceConfiguration getWorkspaceConfiguration() {
        return workspaceConfiguration;
    }

    /** @param workspaceConfiguration this endpoint's workspace options */
    public void setWorkspaceConfiguration(WorkspaceConfiguration workspaceConfiguration) {
        this.workspaceConfiguration = workspaceConfiguration;
    }

    /** @return this endpoint's permission and question policies and where escalations go */
    public InteractionConfiguration getInteractionConfiguration() {
        return interactionConfiguration;
    }

    /** @param interactionConfiguration this endpoint's permission and question policies and where escalations go */
    public void setInteractionConfiguration(InteractionConfiguration interactionConfiguration) {
        this.interactionConfiguration = interactionConfiguration;
    }

    /** @return this endpoint's caps on one attempt's tokens and cost */
    public BudgetConfiguration getBudgetConfiguration() {
        return budgetConfiguration;
    }

    /** @param budgetConfiguration this endpoint's caps on one attempt's tokens and cost */
    public void setBudgetConfiguration(BudgetConfiguration budgetConfiguration) {
        this.budgetConfiguration = budgetConfiguration;
    }
}
