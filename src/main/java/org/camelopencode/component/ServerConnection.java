package org.camelopencode.component;

import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.dispatch.Dispatcher;

/**
 * The client and dispatcher the component shares between all endpoints that talk to one server:
 * one event-stream connection per server, not per endpoint or dispatch.
 *
 * @param client the HTTP client (owns the event stream)
 * @param dispatcher the dispatcher on that client
 */
record ServerConnection(OpenCodeClient client, Dispatcher dispatcher) implements AutoCloseable {

    @Override
    public void close() {
        dispatcher.close();
        client.close();
    }
}
