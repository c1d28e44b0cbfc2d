package org.camelopencode.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Typed client of one {@code opencode serve} server's HTTP API (JDK {@link HttpClient}, HTTP/1.1, Jackson).
 * Every request carries HTTP Basic auth when the endpoint has a password. Thread-safe.
 *
 * <p>Errors: non-2xx answers throw {@link OpenCodeApiException} (401/403: {@link OpenCodeAuthenticationException}),
 * I/O failures and timeouts throw {@link OpenCodeConnectionException}, a 2xx body that is not the expected JSON
 * throws {@link OpenCodeProtocolException}. Messages name method and path, never credentials.
 *
 * <p>One {@code opencode serve} serves many projects: every endpoint takes a {@code directory} query parameter naming
 * the project instance the call is about. {@link #inDirectory(Path)} gives a view of this client whose every call
 * (but {@code /global/*}) carries {@code ?directory=}; the views share this client's HTTP client and its one event
 * stream ({@code GET /global/event} covers every directory, see {@link EventRoute}).
 */
public final class OpenCodeClient implements AutoCloseable {

    private final ServerEndpoint endpoint;
    private final ClientOptions options;
    private final HttpClient httpClient;
    private final HttpCalls calls;
    private final ObjectMapper mapper = OpenCodeJson.mapper();
    private final Object eventStreamLock = new Object();
    /** The client that owns the HTTP client and the event stream: this one, or the one a directory view was made from. */
    private final OpenCodeClient root;
    private final Path directory;
    private EventStream eventStream;
    private volatile boolean closed;

    /**
     * @param endpoint the server
     * @param options  timeouts
     */
    public OpenCodeClient(ServerEndpoint endpoint, ClientOptions options) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        this.httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .build();
        this.root = this;
        this.directory = null;
        this.calls = new HttpCalls(endpoint, options, httpClient, null);
    }

    private OpenCodeClient(OpenCodeClient root, Path directory) {
        this.endpoint = root.endpoint;
        this.options = root.options;
        this.httpClient = root.httpClient;
        this.root = root;
        this.directory = directory;
        this.calls = new HttpCalls(endpoint, options, httpClient, directory);
    }

    /**
     * A view of this client whose every call carries {@code ?directory=<directory>} (OpenCode's per-request project
     * instance): sessions are created in that directory, and status, messages, abort, permission and question lists
     * and replies, fork, command and delete are asked of that directory's instance. {@code /global/*} calls carry none.
     * The view shares this client's HTTP client and event stream; closing it does nothing.
     *
     * @param directory an absolute directory, or {@code null} for the server's own directory (the unscoped client)
     * @return the view ({@code this}'s root client when {@code directory} is null or the view's own directory)
     * @throws IllegalArgumentException when the directory is not absolute
     */
    public OpenCodeClient inDirectory(Path directory) {
        if (directory == null) {
            return root;
        }
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("directory must be absolute, was " + directory);
        }
        return directory.equals(this.directory) ? this : new OpenCodeClient(root, directory);
    }

    /** @return the directory every call of this view names, empty for the server's own directory */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** @return the server this client talks to */
    public ServerEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Reads {@code GET /global/health}.
     *
     * @return health and version
     */
    public Health health() {
        return send("GET", "/global/health", null, options.requestTimeout(), type(Health.class));
    }

    /**
     * Reads any JSON document with {@code GET}, for the probes of {@link ServerCompatibility} ({@code GET /global/health}
     * whatever its shape, {@code GET /api/health} of OpenCode 2).
     *
     * @param path the path, e.g. {@code /api/health}
     * @return the JSON tree
     * @throws OpenCodeProtocolException when the body is not JSON (e.g. the HTML page a server answers for unknown paths)
     */
    JsonNode readJson(String path) {
        return send("GET", path, null, options.requestTimeout(), type(JsonNode.class));
    }

    /**
     * Creates a session: {@code POST /session {"title":...}}.
     *
     * @param title the title, may be null
     * @return the new session
     */
    public Session createSession(String title) {
        return createSession(new CreateSessionRequest(title, null));
    }

    /**
     * Creates a session with per-session permission rules: {@code POST /session}.
     *
     * @param request title and rules
     * @return the new session
     */
    public Session createSession(CreateSessionRequest request) {
        return send("POST", "/session", request, options.requestTimeout(), type(Session.class));
    }

    /**
     * Reads one session: {@code GET /session/{id}}.
     *
     * @param sessionId the session
     * @return the session (id, title, directory, ...)
     * @throws OpenCodeApiException 404 when the server does not know it
     */
    public Session session(String sessionId) {
        return send("GET", "/session/" + encode(sessionId), null, options.requestTimeout(), type(Session.class));
    }

    /**
     * Sends a prompt and blocks until the turn ends: {@code POST /session/{id}/message}. The server sends no bytes
     * while the turn runs (a permission wait can last forever), so pick the timeout with care.
     *
     * @param sessionId the session
     * @param request   the prompt
     * @param timeout   HTTP request timeout of this call
     * @return the assistant message with its parts
     * @throws OpenCodeConnectionException with {@code isTimeout()} when the timeout passes (the turn keeps running
     *                                     on the server; abort it)
     */
    public MessageWithParts prompt(String sessionId, PromptRequest request, Duration timeout) {
        ClientOptions.requirePositive(timeout, "timeout");
        return send("POST", sessionPath(sessionId, "/message"), request, timeout, type(MessageWithParts.class));
    }

    /**
     * Queues a prompt and returns at once: {@code POST /session/{id}/prompt_async} (answers 204).
     *
     * @param sessionId the session
     * @param request   the prompt
     */
    public void promptAsync(String sessionId, PromptRequest request) {
        send("POST", sessionPath(sessionId, "/prompt_async"), request, options.requestTimeout(), (JavaType) null);
    }

    /**
     * Aborts the running turn: {@code POST /session/{id}/abort}. The turn ends with {@code MessageAbortedError}.
     *
     * @param sessionId the session
     * @return the server's answer ({@code true})
     */
    public boolean abort(String sessionId) {
        return sendBoolean("POST", sessionPath(sessionId, "/abort"), null);
    }

    /**
     * Reads the messages of a session: {@code GET /session/{id}/message?limit=N}.
     *
     * @param sessionId the session
     * @param limit     the most recent N messages, or null for all
     * @return the messages, oldest first
     */
    public List<MessageWithParts> messages(String sessionId, Integer limit) {
        String path = sessionPath(sessionId, "/message") + (limit == null ? "" : "?limit=" + limit);
        return send("GET", path, null, options.requestTimeout(), new TypeReference<List<MessageWithParts>>() { });
    }

    /**
     * Reads the messages of a session whose prompts may ask for structured output, working around OpenCode 1.18.33's
     * refusal to list a {@code format: json_schema} user message (see {@link StructuredOutputMessages}):
     * {@code GET /session/{id}/message}, then, on 400, {@code ?limit=1}, {@code ?limit=2}, ... until refused.
     *
     * @param sessionId the session
     * @param structuredOutput whether a prompt of this session was sent with {@code format: json_schema}; without one
     *     this is {@link #messages(String, Integer) messages(sessionId, null)}
     * @return the messages, oldest first: all of them, or the newest readable ones after a schema prompt
     * @throws OpenCodeApiException for a refusal other than the quirk's 400
     */
    public List<MessageWithParts> readableMessages(String sessionId, boolean structuredOutput) {
        return structuredOutput ? StructuredOutputMessages.read(this, sessionId) : messages(sessionId, null);
    }

    /**
     * Reads {@code GET /session/status}. Only non-idle sessions are listed: a missing session is idle.
     *
     * @return session id to status
     */
    public Map<String, SessionStatus> sessionStatuses() {
        Map<String, SessionStatus> statuses = send("GET", "/session/status", null, options.requestTimeout(),
                new TypeReference<LinkedHashMap<String, SessionStatus>>() { });
        return statuses == null ? Map.of() : statuses;
    }

    /**
     * Reads the pending permission requests: {@code GET /permission}.
     *
     * @return the requests of all sessions
     */
    public List<PermissionRequest> permissions() {
        return send("GET", "/permission", null, options.requestTimeout(), new TypeReference<List<PermissionRequest>>() { });
    }

    /**
     * Answers a permission request: {@code POST /permission/{id}/reply {"reply":"once|always|reject","message"?}}.
     *
     * @param requestId the request ({@code per_...})
     * @param reply     the reply
     * @param message   feedback to the model (with reject the turn goes on with it), may be null
     * @return the server's answer ({@code true})
     */
    public boolean replyPermission(String requestId, PermissionReply reply, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reply", Objects.requireNonNull(reply, "reply"));
        if (message != null) {
            body.put("message", message);
        }
        return sendBoolean("POST", "/permission/" + encode(requestId) + "/reply", body);
    }

    /**
     * Reads the pending question requests: {@code GET /question}.
     *
     * @return the requests of all sessions
     */
    public List<QuestionRequest> questions() {
        return send("GET", "/question", null, options.requestTimeout(), new TypeReference<List<QuestionRequest>>() { });
    }

    /**
     * Answers a question request: {@code POST /question/{id}/reply {"answers":[["label"]]}}.
     *
     * @param requestId the request ({@code que_...})
     * @param answers   one list of chosen labels per question
     * @return the server's answer ({@code true})
     */
    public boolean replyQuestion(String requestId, List<List<String>> answers) {
        return sendBoolean("POST", "/question/" + encode(requestId) + "/reply",
                Map.of("answers", Objects.requireNonNull(answers, "answers")));
    }

    /**
     * Rejects a question request: {@code POST /question/{id}/reject}.
     *
     * @param requestId the request
     * @return the server's answer ({@code true})
     */
    public boolean rejectQuestion(String requestId) {
        return sendBoolean("POST", "/question/" + encode(requestId) + "/reject", null);
    }

    /**
     * Forks a session: {@code POST /session/{id}/fork {}}: a new session holding a copy of every message.
     *
     * @param sessionId the session to fork
     * @return the new session
     * @throws OpenCodeApiException 404 when the server does not know the session
     */
    public Session forkSession(String sessionId) {
        return send("POST", sessionPath(sessionId, "/fork"), Map.of(), options.requestTimeout(), type(Session.class));
    }

    /**
     * Deletes a session with its messages: {@code DELETE /session/{id}}.
     *
     * @param sessionId the session
     * @return the server's answer ({@code true})
     * @throws OpenCodeApiException 404 when the server does not know the session
     */
    public boolean deleteSession(String sessionId) {
        return sendBoolean("DELETE", "/session/" + encode(sessionId), null);
    }

    /**
     * Runs a slash command in a session: {@code POST /session/{id}/command {"command","arguments",...}}. The server
     * answers only when the command's turn ends (with the assistant message, like {@code POST /session/{id}/message}),
     * so this sends without waiting: the returned future completes with that answer, or exceptionally with the
     * exceptions of the other calls ({@link OpenCodeApiException} 400 for an unknown command, 404 for an unknown session).
     *
     * @param sessionId the session
     * @param request   the command, its arguments, model, agent and file parts
     * @param timeout   HTTP request timeout of the call (the turn keeps running on the server when it passes)
     * @return the answer, when the turn ends
     */
    public CompletableFuture<MessageWithParts> commandAsync(String sessionId, CommandRequest request, Duration timeout) {
        ClientOptions.requirePositive(timeout, "timeout");
        return calls.sendAsync("POST", sessionPath(sessionId, "/command"), request, timeout, type(MessageWithParts.class));
    }

    /**
     * The one shared event stream of this server: created and started on the first call, the same instance afterwards
     * (a {@link #inDirectory directory view} returns its root client's). It follows {@code GET /global/event}, or
     * {@code GET /event} when {@code GET /global/health} names a version older than every tested one or cannot be read
     * ({@link EventRoute#forVersion}).
     *
     * @return the started event stream
     * @throws IllegalStateException after {@link #close()}
     */
    public EventStream eventStream() {
        if (root != this) {
            return root.eventStream();
        }
        synchronized (eventStreamLock) {
            if (closed) {
                throw new IllegalStateException("OpenCodeClient for " + endpoint.baseUri() + " is closed");
            }
            if (eventStream == null) {
                eventStream = new EventStream(endpoint, options, EventStreamOptions.defaults(), eventRoute());
                eventStream.start();
            }
            return eventStream;
        }
    }

    private EventRoute eventRoute() {
        try {
            return EventRoute.forVersion(OpenCodeVersion.parse(health().version()));
        } catch (OpenCodeClientException unreadable) {
            return EventRoute.EVENT;
        }
    }

    /** Closes the event stream, if one was started. Idempotent. A {@link #inDirectory directory view} closes nothing. */
    @Override
    public void close() {
        if (root != this) {
            return;
        }
        synchronized (eventStreamLock) {
            closed = true;
            if (eventStream != null) {
                eventStream.close();
            }
        }
    }

    @Override
    public String toString() {
        return "OpenCodeClient[" + endpoint + (directory == null ? "" : ", directory=" + directory) + "]";
    }

    private boolean sendBoolean(String method, String path, Object body) {
        Boolean result = send(method, path, body, options.requestTimeout(), type(Boolean.class));
        return Boolean.TRUE.equals(result);
    }

    private JavaType type(Class<?> type) {
        return mapper.constructType(type);
    }

    private <T> T send(String method, String path, Object body, Duration timeout, TypeReference<T> responseType) {
        return send(method, path, body, timeout, mapper.constructType(responseType));
    }

    private <T> T send(String method, String path, Object body, Duration timeout, JavaType responseType) {
        return calls.send(method, path, body, timeout, responseType);
    }

    private static String sessionPath(String sessionId, String suffix) {
        return "/session/" + encode(sessionId) + suffix;
    }

    private static String encode(String pathSegment) {
        if (pathSegment == null || pathSegment.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
