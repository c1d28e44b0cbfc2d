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
 * An {@code opencode:operation} endpoint. Producer only in this version; the event consumer comes
 * with {@code opencode:events}.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "opencode", title = "OpenCode", syntax = "opencode:operation",
        producerOnly = true, category = { Category.AI }, headersClass = OpenCodeConstants.class)
public class OpenCodeEndpoint extends DefaultEndpoint {

    @UriPath(description = "The operation: dispatch (session, prompt, completion gate), createSession, prompt, promptAsync, abort, messages, status or health.")
    @Metadata(required = true)
    private OpenCodeOperation operation;

    @UriParam
    private OpenCodeConfiguration configuration;

    /**
     * @param uri the endpoint URI
     * @param component the owning component
     * @param configuration this endpoint's copy of the options
     */
    public OpenCodeEndpoint(String uri, OpenCodeComponent component, OpenCodeConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public OpenCodeComponent getComponent() {
        return (OpenCodeComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new OpenCodeProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("opencode:" + operation + " is a producer endpoint; it cannot be used in from()");
    }

    /** @return the shared client and dispatcher for this endpoint's server */
    ServerConnection connection() {
        return getComponent().connectionFor(configuration);
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
}
