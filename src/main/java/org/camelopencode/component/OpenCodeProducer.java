package org.camelopencode.component;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptRequest;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Approval;

/**
 * Runs the endpoint's operation (or the one in {@code CamelOpenCodeOperation}). {@code dispatch}
 * is asynchronous: no Camel thread waits while the agent works.
 *
 * <p>Failures are set on the exchange as {@link OpenCodeFailureException} with the
 * {@code CamelOpenCodeFailureKind} header, so {@code onException} can route by kind.
 *
 * <p>Every {@code dispatch} attempt, completed or failed, is appended to the exchange's {@link AttemptHistory}
 * (property {@value AttemptHistory#PROPERTY}); see {@link DispatchOperation}.
 */
public class OpenCodeProducer extends DefaultAsyncProducer {

    private final OpenCodeEndpoint endpoint;
    private EndpointEscalation escalation;
    private CliTransport cli;
    private DispatchOperation dispatch;

    /** @param endpoint the endpoint this producer serves */
    public OpenCodeProducer(OpenCodeEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    /** Connects (and starts the managed server, when that is the configuration) with the route, not on the first message. */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        cli = new CliTransport(endpoint);
        // Here, not in the component's start: camel-main replaces the health registry after the routes are initialised.
        OpenCodeServerHealthChecks.registerOnce(endpoint.getComponent());
        if (endpoint.getComponent().getLedger() != null) {
            ClusterLeaseHealthCheck.registerOnce(endpoint.getComponent());
        }
        if (CliTransport.needsServer(endpoint.getConfiguration(), endpoint.getCliConfiguration())) {
            endpoint.servers().primaryConnection();
        }
        String approvalEndpoint = endpoint.getInteractionConfiguration().getApprovalEndpoint();
        if (approvalEndpoint != null && !approvalEndpoint.isBlank()) {
            escalation = new EndpointEscalation(getEndpoint().getCamelContext(), approvalEndpoint.strip(),
                    endpoint.getComponent().getClusterNode().nodeId(), endpoint.getComponent().getLedger());
        }
        dispatch = new DispatchOperation(endpoint, cli, escalation);
    }

    @Override
    protected void doStop() throws Exception {
        if (cli != null) {
            cli.close();
        }
        if (escalation != null) {
            escalation.close();
            escalation = null;
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            OpenCodeOperation operation = determineOperation(exchange);
            if (operation == OpenCodeOperation.dispatch) {
                return dispatch.process(exchange, callback);
            }
            runSynchronous(operation, exchange);
        } catch (OpenCodeFailureException failure) {
            setFailure(exchange, failure);
        } catch (OpenCodeClientException failure) {
            setFailure(exchange, FailureClassifier.fromClientException(failure, exchange.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class)));
        } catch (Exception failure) {
            exchange.setException(failure);
        }
        callback.done(true);
        return true;
    }

    /**
     * @param exchange the exchange
     * @return the operation from the {@code CamelOpenCodeOperation} header, else the URI's
     */
    OpenCodeOperation determineOperation(Exchange exchange) {
        Object header = exchange.getMessage().getHeader(OpenCodeConstants.OPERATION);
        if (header == null) {
            return endpoint.getOperation();
        }
        return exchange.getContext().getTypeConverter().convertTo(OpenCodeOperation.class, header);
    }

    /**
     * @param message the exchange's message
     * @param result a dispatch's result: the body, with the session, message, model, tokens, cost, duration and finish
     *     headers
     */
    static void setResult(Message message, DispatchResult result) {
        message.setBody(result);
        message.setHeader(OpenCodeConstants.SESSION_ID, result.sessionId());
        message.setHeader(OpenCodeConstants.MESSAGE_ID, result.messageId());
        message.setHeader(OpenCodeConstants.MODEL, result.model());
        message.setHeader(OpenCodeConstants.TOKENS_INPUT, result.tokens().input());
        message.setHeader(OpenCodeConstants.TOKENS_OUTPUT, result.tokens().output());
        message.setHeader(OpenCodeConstants.TOKENS_REASONING, result.tokens().reasoning());
        message.setHeader(OpenCodeConstants.COST, result.cost());
        message.setHeader(OpenCodeConstants.DURATION_MILLIS, result.duration().toMillis());
        message.setHeader(OpenCodeConstants.FINISH, result.finish());
    }

    /**
     * @param exchange the exchange
     * @param failure its failure: the exception, with the {@code CamelOpenCodeFailureKind} and session headers
     */
    static void setFailure(Exchange exchange, OpenCodeFailureException failure) {
        exchange.getMessage().setHeader(OpenCodeConstants.FAILURE_KIND, failure.getKind().wireName());
        if (failure.getSessionId() != null) {
            exchange.getMessage().setHeader(OpenCodeConstants.SESSION_ID, failure.getSessionId());
        }
        exchange.setException(failure);
    }

    /** Runs an operation other than dispatch; only those that talk to one server pick one (by the message's session). */
    private void runSynchronous(OpenCodeOperation operation, Exchange exchange) {
        Message message = exchange.getMessage();
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        OpenCodeServers servers = endpoint.servers();
        switch (operation) {
            case fleet -> message.setBody(endpoint.getComponent().fleetStatus());
            case ledger -> message.setBody(ledgerHistory(exchange));
            case cluster -> message.setBody(org.camelopencode.ledger.ClusterView.of(requireLedger("cluster"),
                    endpoint.getComponent().getClusterNode()));
            case approve -> ApprovalOperation.approve(endpoint.getComponent(), servers, exchange, Approval.parse(approvalJson(exchange)));
            case createSession -> {
                String title = message.getBody(String.class);
                var session = servers.createSession(title == null || title.isBlank() ? configuration.getTitle() : title);
                message.setHeader(OpenCodeConstants.SESSION_ID, session.id());
                message.setBody(session);
            }
            case health -> message.setBody(servers.clientFor(sessionOf(exchange)).health());
            case prompt -> {
                Duration timeout = DispatchRequests.timeoutOf(exchange, configuration);
                String session = requireSession(exchange);
                message.setBody(servers.clientFor(session).prompt(session, promptOf(exchange), timeout));
            }
            case promptAsync -> {
                String session = requireSession(exchange);
                servers.clientFor(session).promptAsync(session, promptOf(exchange));
            }
            case abort -> {
                String session = requireSession(exchange);
                message.setBody(servers.clientFor(session).abort(session));
            }
            case messages -> {
                String session = requireSession(exchange);
                message.setBody(servers.clientFor(session).messages(session,
                        message.getHeader(OpenCodeConstants.LIMIT, configuration.getLimit(), Integer.class)));
            }
            case status -> {
                String session = sessionOf(exchange);
                var statuses = servers.clientFor(session).sessionStatuses();
                message.setBody(session == null ? statuses : statuses.getOrDefault(session, SessionStatus.idle()));
            }
            case pending -> message.setBody(pending(servers.clientFor(sessionOf(exchange)), sessionOf(exchange)));
            case events -> throw new IllegalArgumentException("opencode:events is a consumer (use it in from()); it cannot send");
            default -> throw new IllegalStateException("unhandled operation " + operation);
        }
    }

    /** The permission and question requests pending on the server, of one session when {@code session} is set. */
    private static Map<String, Object> pending(OpenCodeClient client, String session) {
        Map<String, Object> pending = new LinkedHashMap<>();
        pending.put("permissions", client.permissions().stream()
                .filter(request -> session == null || session.equals(request.sessionId())).toList());
        pending.put("questions", client.questions().stream()
                .filter(request -> session == null || session.equals(request.sessionId())).toList());
        return pending;
    }

    /** The ledger's latest entries: as many as the body says, else the {@code limit} option, else 50. */
    private java.util.List<org.camelopencode.ledger.LedgerEntry> ledgerHistory(Exchange exchange) {
        org.camelopencode.ledger.DispatchLedger ledger = requireLedger("ledger");
        Integer fromBody = exchange.getMessage().getBody(Integer.class);
        Integer option = endpoint.getConfiguration().getLimit();
        return ledger.recent(fromBody != null ? fromBody : option != null ? option : 50);
    }

    private org.camelopencode.ledger.DispatchLedger requireLedger(String operation) {
        org.camelopencode.ledger.DispatchLedger ledger = endpoint.getComponent().getLedger();
        if (ledger == null) {
            throw new IllegalStateException("opencode:" + operation + " needs the dispatch ledger: none is configured (opencode.ledger.enabled)");
        }
        return ledger;
    }

    private static JsonNode approvalJson(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof JsonNode json) {
            return json;
        }
        if (body instanceof Map<?, ?> map) {
            return OpenCodeJson.mapper().valueToTree(map);
        }
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("opencode:approve needs the approval JSON as the message body");
        }
        try {
            return OpenCodeJson.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
            throw new IllegalArgumentException("the approval is not valid JSON: " + malformed.getOriginalMessage());
        }
    }

    private PromptRequest promptOf(Exchange exchange) {
        return org.camelopencode.dispatch.Prompts.of(DispatchRequests.from(exchange, endpoint.getConfiguration()));
    }

    private String sessionOf(Exchange exchange) {
        return exchange.getMessage().getHeader(OpenCodeConstants.SESSION_ID, endpoint.getConfiguration().getSessionId(), String.class);
    }

    private String requireSession(Exchange exchange) {
        String session = sessionOf(exchange);
        if (session == null || session.isBlank()) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK,
                    "opencode:" + determineOperation(exchange) + " needs a session: set the sessionId option or the "
                            + OpenCodeConstants.SESSION_ID + " header");
        }
        return session;
    }
}
