package org.camelopencode.dispatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camelopencode.client.StubEventStreams;
import org.camelopencode.client.StubServer;

/**
 * Just enough of the OpenCode HTTP API, on a JDK {@link HttpServer} at 127.0.0.1:0, for the
 * dispatcher's edge cases: sessions whose status and messages the test sets, canned answers for
 * {@code POST /session}, {@code GET /permission} and the messages, a count of every call, and
 * {@code GET /event} connections the test writes frames to, drops or refuses.
 *
 * <p>By default a session stays busy after its prompt; {@link #completeOnPrompt(boolean)} makes the
 * stub finish every turn at once (idle, a completed reply, a {@code session.idle} frame).
 */
final class OpenCodeApiStub implements AutoCloseable {

    private static final AtomicInteger STEP_PARTS = new AtomicInteger();
    private static final Pattern SESSION_PATH = Pattern.compile("/session/([^/]+)/(prompt_async|message|abort)");
    private static final Pattern ONE_SESSION = Pattern.compile("/session/(ses_[^/]+)");

    /** What the stub knows about one session. */
    static final class StubSession {
        final String id;
        volatile String status = "idle";
        /** When set, the raw status object {@code GET /session/status} lists for a non-idle session. */
        volatile String statusJson;
        volatile String messagesJson = "[]";
        /** When set, {@code GET /session/{id}/message} answers this raw body with status 200. */
        volatile String messagesRaw;
        /** The HTTP status of {@code GET /session/{id}/message}. */
        volatile int messagesStatus = 200;
        final AtomicInteger prompts = new AtomicInteger();
        final AtomicInteger aborts = new AtomicInteger();
        final AtomicInteger messageReads = new AtomicInteger();
        /** The bodies of {@code POST /session/{id}/prompt_async}, in order. */
        final List<String> promptBodies = new CopyOnWriteArrayList<>();
        /** When set, a prompt is only recorded: status and messages stay as the test set them. */
        volatile boolean ignorePrompts;

        StubSession(String id) {
            this.id = id;
        }

        /** Busy, with only the user message. */
        void busy() {
            messagesJson = "[" + userMessage(id) + "]";
            status = "busy";
        }

        /** Idle with these messages (JSON objects, oldest first). */
        void idleWith(String... messages) {
            messagesJson = "[" + String.join(",", messages) + "]";
            status = "idle";
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, StubSession> sessions = new ConcurrentHashMap<>();
    private final List<String> sessionOrder = new CopyOnWriteArrayList<>();
    private final StubEventStreams eventStreams = new StubEventStreams();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final AtomicInteger statusReads = new AtomicInteger();
    private final AtomicInteger questionReads = new AtomicInteger();
    private volatile int createSessionStatus = 200;
    private volatile String createSessionErrorBody = "";
    private volatile String permissionsJson = "[]";
    private final List<String> permissionReplies = new CopyOnWriteArrayList<>();
    private volatile Runnable permissionReplyHook = () -> { };
    private volatile Runnable abortHook = () -> { };
    private volatile boolean refuseEventStreams;
    private volatile boolean completeOnPrompt;

    static {
        // Without TCP_NODELAY small responses wait for delayed ACKs (~40 ms each); read once per JVM.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    OpenCodeApiStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code POST /session} answers this status and body instead of a new session. */
    void failCreateSession(int status, String body) {
        createSessionErrorBody = body;
        createSessionStatus = status;
    }

    /** {@code GET /permission} answers this JSON array. */
    void permissions(String json) {
        permissionsJson = json;
    }

    /** @param hook run on each {@code POST /permission/{id}/reply} before it is answered {@code true} */
    void onPermissionReply(Runnable hook) {
        permissionReplyHook = hook;
    }

    /** @param hook run on each {@code POST /session/{id}/abort} before it is answered {@code true} */
    void onAbort(Runnable hook) {
        abortHook = hook;
    }

    /** @return the bodies of {@code POST /permission/{id}/reply}, in order */
    List<String> permissionReplies() {
        return permissionReplies;
    }

    /** New {@code GET /event} requests are answered 503 while refused. */
    void refuseEventStreams(boolean refuse) {
        refuseEventStreams = refuse;
    }

    /** Every prompt ends its turn at once: idle, a completed reply "reply to ses_...", a session.idle frame. */
    void completeOnPrompt(boolean complete) {
        completeOnPrompt = complete;
    }

    /** @return the only session created so far (fails when there is not exactly one) */
    StubSession onlySession() {
        if (sessionOrder.size() != 1) {
            throw new AssertionError("expected one session, the stub has " + sessionOrder);
        }
        return sessions.get(sessionOrder.get(0));
    }

    /** @return the number of sessions created */
    int sessionCount() {
        return sessionOrder.size();
    }

    /** @return the number of {@code GET /event} connections accepted (refused ones not counted) */
    int eventConnections() {
        return eventStreams.acceptedCount();
    }

    /** @return the number of {@code GET /event} connections open now */
    int openEventStreams() {
        return eventStreams.openCount();
    }

    int statusReads() {
        return statusReads.get();
    }

    int questionReads() {
        return questionReads.get();
    }

    /** Writes one frame {@code data: <json>} to every open event stream. */
    void pushEvent(String json) {
        eventStreams.broadcast(json);
    }

    /** Closes every open event stream (the client sees EOF and reconnects). */
    void dropEventStreams() {
        eventStreams.closeAll();
    }

    @Override
    public void close() {
        dropEventStreams();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (method.equals("GET") && path.equals("/event")) {
            openEventStream(exchange);
            return;
        }
        if (method.equals("POST") && path.equals("/session")) {
            createSession(exchange);
        } else if (method.equals("GET") && path.equals("/session/status")) {
            statusReads.incrementAndGet();
            respond(exchange, 200, statusesJson());
        } else if (method.equals("GET") && path.equals("/permission")) {
            respond(exchange, 200, permissionsJson);
        } else if (method.equals("POST") && path.startsWith("/permission/") && path.endsWith("/reply")) {
            permissionReplies.add(body);
            permissionReplyHook.run();
            respond(exchange, 200, "true");
        } else if (method.equals("GET") && path.equals("/question")) {
            questionReads.incrementAndGet();
            respond(exchange, 200, "[]");
        } else if (method.equals("GET") && ONE_SESSION.matcher(path).matches()) {
            String id = path.substring("/session/".length());
            if (sessions.containsKey(id)) {
                respond(exchange, 200, "{\"id\":\"" + id + "\",\"title\":\"stub\"}");
            } else {
                respond(exchange, 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found: " + id + "\"}}");
            }
        } else {
            handleSessionCall(exchange, method, path, body);
        }
    }

    private void handleSessionCall(HttpExchange exchange, String method, String path, String body) throws IOException {
        Matcher matcher = SESSION_PATH.matcher(path);
        StubSession session = matcher.matches() ? sessions.get(matcher.group(1)) : null;
        if (session == null) {
            respond(exchange, 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no stub for " + method + " " + path + "\"}}");
            return;
        }
        switch (method + " " + matcher.group(2)) {
            case "POST prompt_async" -> {
                session.promptBodies.add(body);
                session.prompts.incrementAndGet();
                if (session.ignorePrompts) {
                    respond(exchange, 204, null);
                    return;
                }
                if (completeOnPrompt) {
                    session.idleWith(userMessage(session.id), assistantMessage(session.id, "reply to " + session.id, null));
                    pushEvent(sessionIdle(session.id));
                } else {
                    session.busy();
                }
                respond(exchange, 204, null);
            }
            case "GET message" -> {
                session.messageReads.incrementAndGet();
                String raw = session.messagesRaw;
                respond(exchange, session.messagesStatus, raw != null ? raw : session.messagesJson);
            }
            case "POST abort" -> {
                session.aborts.incrementAndGet();
                abortHook.run();
                respond(exchange, 200, "true");
            }
            default -> respond(exchange, 405, "{\"name\":\"MethodNotAllowed\",\"data\":{}}");
        }
    }

    private void createSession(HttpExchange exchange) throws IOException {
        if (createSessionStatus != 200) {
            respond(exchange, createSessionStatus, createSessionErrorBody);
            return;
        }
        String id = "ses_stub" + sessionCounter.incrementAndGet();
        sessions.put(id, new StubSession(id));
        sessionOrder.add(id);
        respond(exchange, 200, "{\"id\":\"" + id + "\",\"title\":\"stub\"}");
    }

    private void openEventStream(HttpExchange exchange) throws IOException {
        if (refuseEventStreams) {
            respond(exchange, 503, "{\"name\":\"Unavailable\",\"data\":{}}");
            return;
        }
        eventStreams.accept(exchange);
    }

    private String statusesJson() {
        StringBuilder json = new StringBuilder("{");
        for (StubSession session : sessions.values()) {
            String status = session.status;
            if (!"idle".equals(status)) {
                json.append(json.length() == 1 ? "" : ",").append('"').append(session.id).append("\":")
                        .append(session.statusJson != null ? session.statusJson : "{\"type\":\"" + status + "\"}");
            }
        }
        return json.append('}').toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        StubServer.respond(exchange, status, body);
    }

    // Message and event JSON in the shapes of OpenCode 1.18.33 (see the recordings).

    /** A user message with this id and text. */
    static String userMessage(String sessionId, String messageId, String text) {
        return "{\"info\":{\"id\":\"" + messageId + "\",\"sessionID\":\"" + sessionId
                + "\",\"role\":\"user\",\"time\":{\"created\":1}},\"parts\":[{\"id\":\"prt_u\",\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }

    static String userMessage(String sessionId) {
        return "{\"info\":{\"id\":\"msg_user_" + sessionId + "\",\"sessionID\":\"" + sessionId
                + "\",\"role\":\"user\",\"time\":{\"created\":1}},\"parts\":[{\"id\":\"prt_u\",\"type\":\"text\",\"text\":\"do it\"}]}";
    }

    /**
     * @param text the reply text, or null for no text part
     * @param completedAndError null for a completed message without error; "incomplete" for no
     *     {@code time.completed}; otherwise the {@code error} object JSON of a completed message
     */
    static String assistantMessage(String sessionId, String text, String completedAndError) {
        return assistantMessage(sessionId, "msg_reply_" + sessionId, text, completedAndError);
    }

    /** As {@link #assistantMessage(String, String, String)}, with the message id {@code messageId}. */
    static String assistantMessage(String sessionId, String messageId, String text, String completedAndError) {
        boolean incomplete = "incomplete".equals(completedAndError);
        String error = incomplete ? null : completedAndError;
        return "{\"info\":{\"id\":\"" + messageId + "\",\"sessionID\":\"" + sessionId
                + "\",\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"echo\",\"providerID\":\"stub\",\"cost\":0,"
                + "\"tokens\":{\"input\":10,\"output\":5,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}},"
                + "\"time\":{\"created\":2" + (incomplete ? "" : ",\"completed\":3") + "}"
                + (error != null ? ",\"error\":" + error : ",\"finish\":\"stop\"") + "},"
                + "\"parts\":[" + (text == null ? "" : "{\"id\":\"prt_a\",\"type\":\"text\",\"text\":\"" + text + "\"}") + "]}";
    }

    /** A {@code message.updated} frame for the completed reply of {@link #assistantMessage(String, String, String)}. */
    static String replyCompleted(String sessionId) {
        String message = assistantMessage(sessionId, "ignored", null);
        String info = message.substring("{\"info\":".length(), message.indexOf(",\"parts\":"));
        return "{\"id\":\"evt_msg\",\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"" + sessionId
                + "\",\"info\":" + info + "}}";
    }

    /** A {@code message.part.updated} frame: the text part of {@link #assistantMessage(String, String, String)}. */
    static String replyText(String sessionId, String text) {
        return "{\"id\":\"evt_part\",\"type\":\"message.part.updated\",\"properties\":{\"sessionID\":\"" + sessionId
                + "\",\"part\":{\"id\":\"prt_a\",\"messageID\":\"msg_reply_" + sessionId + "\",\"sessionID\":\"" + sessionId
                + "\",\"type\":\"text\",\"text\":\"" + text + "\"}}}";
    }

    static String sessionIdle(String sessionId) {
        return "{\"id\":\"evt_idle\",\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"" + sessionId + "\"}}";
    }

    /** A {@code message.part.updated} with a {@code step-finish} part (a new part id each call): one finished step and its usage. */
    static String stepFinished(String sessionId, long inputTokens, long outputTokens, double cost) {
        int step = STEP_PARTS.incrementAndGet();
        return "{\"id\":\"evt_step" + step + "\",\"type\":\"message.part.updated\",\"properties\":{\"sessionID\":\"" + sessionId
                + "\",\"part\":{\"id\":\"prt_step" + step + "\",\"messageID\":\"msg_step_" + sessionId + "\",\"sessionID\":\"" + sessionId
                + "\",\"type\":\"step-finish\",\"reason\":\"tool-calls\",\"cost\":" + cost + ",\"tokens\":{\"input\":" + inputTokens
                + ",\"output\":" + outputTokens + ",\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}}}}";
    }

    static String sessionError(String sessionId, String errorJson) {
        return "{\"id\":\"evt_err\",\"type\":\"session.error\",\"properties\":{\"sessionID\":\"" + sessionId
                + "\",\"error\":" + errorJson + "}}";
    }
}
