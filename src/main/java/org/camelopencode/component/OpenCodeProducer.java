package org.camelopencode.component;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptRequest;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.dispatch.DispatchRequest;
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
 * <p>Every {@code dispatch} attempt, completed or failed as a classified failure, is appended to the exchange's
 * {@link AttemptHistory} (property {@value AttemptHistory#PROPERTY}).
 */
public class OpenCodeProducer extends DefaultAsyncProducer {

    private final OpenCodeEndpoint endpoint;
    private EndpointEscalation escalation;
    private CliTransport cli;

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
        endpoint.getComponent().registerHealthChecks();
        if (CliTransport.needsServer(endpoint.getConfiguration())) {
            endpoint.connection();
        }
        String approvalEndpoint = endpoint.getConfiguration().getApprovalEndpoint();
        if (approvalEndpoint != null && !approvalEndpoint.isBlank()) {
            escalation = new EndpointEscalation(getEndpoint().getCamelContext(), approvalEndpoint.strip());
        }
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
                return dispatch(exchange, callback);
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

    private boolean dispatch(Exchange exchange, AsyncCallback callback) {
        DispatchRequest request = DispatchRequests.from(exchange, endpoint.getConfiguration(), escalation);
        Message message = exchange.getMessage();
        message.setHeader(OpenCodeConstants.ATTEMPT, request.attempt());
        // Also as a property: dead letter channels with useOriginalMessage drop the headers.
        exchange.setProperty(OpenCodeConstants.ATTEMPT, request.attempt());
        if (request.title() != null) {
            message.setHeader(OpenCodeConstants.TASK_NAME, message.getHeader(OpenCodeConstants.TASK_NAME, request.title(), String.class));
        }
        Instant startedAt = Instant.now();
        LedgerAttempt recorded = LedgerAttempt.forTask(endpoint.getComponent().getLedger(),
                message.getHeader(OpenCodeConstants.TASK_KEY, String.class), message.getHeader(OpenCodeConstants.TASK_NAME, String.class),
                request.stage());
        Optional<DispatchResult> answered = recorded == null ? Optional.empty() : recorded.recordedResult();
        if (answered.isPresent()) {
            AttemptHistory.completed(exchange, answered.get(), startedAt);
            setResult(message, answered.get());
            callback.done(true);
            return true;
        }
        boolean throughCli = CliTransport.selected(exchange, endpoint.getConfiguration());
        org.camelopencode.cli.SkillFolders skills = cli.linkSkills(exchange, throughCli);
        java.util.concurrent.CompletableFuture<DispatchResult> attempt;
        AttemptObservation observation = AttemptObservation.start(endpoint.getComponent(), exchange, request,
                message.getHeader(OpenCodeConstants.TASK_NAME, String.class));
        try {
            Supplier<java.util.concurrent.CompletableFuture<DispatchResult>> fresh = () -> throughCli ? cli.dispatch(exchange, request)
                    : endpoint.getComponent().dispatch(endpoint.getConfiguration(), request);
            attempt = recorded == null ? fresh.get()
                    : recorded.start(endpoint.getComponent(), endpoint.getConfiguration(), request, !throughCli, fresh);
        } catch (RuntimeException notStarted) {
            observation.failedUnclassified(notStarted);
            skills.close();
            throw notStarted;
        }
        attempt.whenComplete((result, failure) -> {
            skills.close();
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof OpenCodeFailureException classified) {
                        if (recorded != null) {
                            recorded.failed(classified.getKind(), classified.getReason(), classified.getTokens(), classified.getCost());
                        }
                        AttemptHistory.failed(exchange, classified, request.model(), startedAt);
                        observation.failed(classified);
                        setFailure(exchange, classified);
                    } else {
                        if (recorded != null) {
                            recorded.failed(FailureKind.AGENT_ERROR, String.valueOf(cause), null, 0);
                        }
                        observation.failedUnclassified(cause);
                        exchange.setException(cause);
                    }
                } else {
                    if (recorded != null) {
                        recorded.completed(result);
                    }
                    AttemptHistory.completed(exchange, result, startedAt);
                    observation.completed(result);
                    setResult(exchange.getMessage(), result);
                }
            } finally {
                callback.done(false);
            }
        });
        return false;
    }

    private static void setResult(Message message, DispatchResult result) {
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

    private static void setFailure(Exchange exchange, OpenCodeFailureException failure) {
        exchange.getMessage().setHeader(OpenCodeConstants.FAILURE_KIND, failure.getKind().wireName());
        if (failure.getSessionId() != null) {
            exchange.getMessage().setHeader(OpenCodeConstants.SESSION_ID, failure.getSessionId());
        }
        exchange.setException(failure);
    }

    private void runSynchronous(OpenCodeOperation operation, Exchange exchange) {
        Message message = exchange.getMessage();
        if (operation == OpenCodeOperation.fleet) {
            message.setBody(endpoint.getComponent().fleetStatus());
            return;
        }
        if (operation == OpenCodeOperation.ledger) {
            message.setBody(ledgerHistory(exchange));
            return;
        }
        OpenCodeClient client = endpoint.getComponent().clientFor(endpoint.getConfiguration(), sessionOf(exchange));
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        switch (operation) {
            case health -> message.setBody(client.health());
            case createSession -> {
                String title = message.getBody(String.class);
                var session = client.createSession(title == null || title.isBlank() ? configuration.getTitle() : title);
                message.setHeader(OpenCodeConstants.SESSION_ID, session.id());
                message.setBody(session);
            }
            case prompt -> {
                Duration timeout = DispatchRequests.timeoutOf(exchange, configuration);
                message.setBody(client.prompt(requireSession(exchange), promptOf(exchange), timeout));
            }
            case promptAsync -> client.promptAsync(requireSession(exchange), promptOf(exchange));
            case abort -> message.setBody(client.abort(requireSession(exchange)));
            case messages -> message.setBody(client.messages(requireSession(exchange),
                    message.getHeader(OpenCodeConstants.LIMIT, configuration.getLimit(), Integer.class)));
            case status -> {
                var statuses = client.sessionStatuses();
                String session = sessionOf(exchange);
                message.setBody(session == null ? statuses : statuses.getOrDefault(session, SessionStatus.idle()));
            }
            case approve -> {
                Approval approval = Approval.parse(approvalJson(exchange));
                message.setHeader(OpenCodeConstants.REQUEST_ID, approval.requestId());
                message.setHeader(OpenCodeConstants.SESSION_ID, endpoint.getComponent().approve(configuration, approval));
                message.setBody(Boolean.TRUE);
            }
            case pending -> {
                String session = sessionOf(exchange);
                Map<String, Object> pending = new LinkedHashMap<>();
                pending.put("permissions", client.permissions().stream()
                        .filter(request -> session == null || session.equals(request.sessionId())).toList());
                pending.put("questions", client.questions().stream()
                        .filter(request -> session == null || session.equals(request.sessionId())).toList());
                message.setBody(pending);
            }
            case events -> throw new IllegalArgumentException("opencode:events is a consumer (use it in from()); it cannot send");
            default -> throw new IllegalStateException("unhandled operation " + operation);
        }
    }

    /** The ledger's latest entries: as many as the body says, else the {@code limit} option, else 50. */
    private java.util.List<org.camelopencode.ledger.LedgerEntry> ledgerHistory(Exchange exchange) {
        org.camelopencode.ledger.DispatchLedger ledger = endpoint.getComponent().getLedger();
        if (ledger == null) {
            throw new IllegalStateException("opencode:ledger needs the dispatch ledger: none is configured (opencode.ledger.enabled)");
        }
        Integer fromBody = exchange.getMessage().getBody(Integer.class);
        Integer option = endpoint.getConfiguration().getLimit();
        return ledger.recent(fromBody != null ? fromBody : option != null ? option : 50);
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
