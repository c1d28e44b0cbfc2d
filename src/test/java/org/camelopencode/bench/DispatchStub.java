package org.camelopencode.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camelopencode.client.StubEventStreams;
import org.camelopencode.client.StubServer;

/**
 * A model-free stand-in for {@code opencode serve} on 127.0.0.1:0 for the dispatcher benchmarks: sessions stay busy
 * after their prompt until {@link #finish(String)} marks one idle with a completed reply and writes its
 * {@code session.idle} frame to every {@code GET /event} connection (as is) and every {@code GET /global/event}
 * connection (wrapped as {@code {"directory","payload"}}, the route the {@code opencode:} component takes for the version
 * its {@code GET /global/health} names). JSON shapes follow the 1.18.33 recordings.
 * Its threads are named {@code bench-stub-*} so the benchmark can leave them out of the client's thread count.
 */
final class DispatchStub implements AutoCloseable {

    static final String THREAD_PREFIX = "bench-stub-";
    /** The directory the stub's global frames name: the server's own (no session here asks for another). */
    private static final String DIRECTORY = "/bench/stub";
    private static final Pattern SESSION_PATH = Pattern.compile("/session/([^/]+)/(prompt_async|message|abort)");

    static {
        // Without TCP_NODELAY small responses wait for delayed ACKs (~40 ms each); read once per JVM.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, String> messagesBySession = new ConcurrentHashMap<>();
    private final Map<String, Boolean> busySessions = new ConcurrentHashMap<>();
    private final Map<String, Long> idleFrameNanos = new ConcurrentHashMap<>();
    private final StubEventStreams eventStreams = new StubEventStreams();
    private final StubEventStreams globalEventStreams = new StubEventStreams();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final AtomicInteger prompts = new AtomicInteger();
    private volatile Consumer<String> promptListener = sessionId -> { };

    DispatchStub() throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, THREAD_PREFIX + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @param listener told each session id whose prompt arrived (on a stub thread, after the 204 was sent) */
    void onPrompt(Consumer<String> listener) {
        promptListener = listener;
    }

    /** @return event connections accepted so far, {@code /event} and {@code /global/event} together */
    int eventConnections() {
        return eventStreams.acceptedCount() + globalEventStreams.acceptedCount();
    }

    /** @return event connections open now, both routes together */
    int openEventStreams() {
        return eventStreams.openCount() + globalEventStreams.openCount();
    }

    int prompts() {
        return prompts.get();
    }

    /**
     * Ends the session's turn: idle, a completed reply, then its {@code session.idle} frame.
     *
     * @return {@link System#nanoTime()} taken just before the frame was written
     */
    long finish(String sessionId) {
        messagesBySession.put(sessionId, "[" + userMessage(sessionId) + "," + assistantMessage(sessionId) + "]");
        busySessions.remove(sessionId);
        String idle = "{\"id\":\"evt_idle\",\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"" + sessionId + "\"}}";
        globalEventStreams.broadcast("{\"directory\":\"" + DIRECTORY + "\",\"payload\":" + idle + "}");
        long written = eventStreams.broadcast(idle);
        idleFrameNanos.put(sessionId, written);
        return written;
    }

    /** @return the {@link System#nanoTime()} at which the session's idle frame was written, or null before */
    Long idleFrameWrittenAt(String sessionId) {
        return idleFrameNanos.get(sessionId);
    }

    /** @return true when the session's turn is over (its status reads idle) */
    boolean isIdle(String sessionId) {
        return !busySessions.containsKey(sessionId);
    }

    @Override
    public void close() {
        eventStreams.closeAll();
        globalEventStreams.closeAll();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        exchange.getRequestBody().readAllBytes();
        if (method.equals("GET") && path.equals("/event")) {
            eventStreams.accept(exchange);
            return;
        }
        if (method.equals("GET") && path.equals("/global/event")) {
            globalEventStreams.accept(exchange);
            return;
        }
        if (method.equals("POST") && path.equals("/session")) {
            String id = "ses_bench" + sessionCounter.incrementAndGet();
            messagesBySession.put(id, "[]");
            respond(exchange, 200, "{\"id\":\"" + id + "\",\"title\":\"bench\"}");
        } else if (method.equals("GET") && path.equals("/session/status")) {
            StringBuilder json = new StringBuilder("{");
            for (String id : busySessions.keySet()) {
                json.append(json.length() == 1 ? "" : ",").append('"').append(id).append("\":{\"type\":\"busy\"}");
            }
            respond(exchange, 200, json.append('}').toString());
        } else if (method.equals("GET") && path.equals("/global/health")) {
            // the opencode: component's compatibility check at its first producer (row 7); the version of the recordings
            respond(exchange, 200, "{\"healthy\":true,\"version\":\"1.18.33\"}");
        } else if (method.equals("GET") && (path.equals("/permission") || path.equals("/question"))) {
            respond(exchange, 200, "[]");
        } else {
            sessionCall(exchange, method, path);
        }
    }

    private void sessionCall(HttpExchange exchange, String method, String path) throws IOException {
        Matcher matcher = SESSION_PATH.matcher(path);
        String id = matcher.matches() ? matcher.group(1) : null;
        if (id == null || !messagesBySession.containsKey(id)) {
            respond(exchange, 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no session\"}}");
            return;
        }
        switch (method + " " + matcher.group(2)) {
            case "POST prompt_async" -> {
                messagesBySession.put(id, "[" + userMessage(id) + "]");
                busySessions.put(id, Boolean.TRUE);
                prompts.incrementAndGet();
                respond(exchange, 204, null);
                promptListener.accept(id);
            }
            case "GET message" -> respond(exchange, 200, messagesBySession.get(id));
            case "POST abort" -> respond(exchange, 200, "true");
            default -> respond(exchange, 405, "{\"name\":\"MethodNotAllowed\",\"data\":{}}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        StubServer.respond(exchange, status, body);
    }

    private static String userMessage(String sessionId) {
        return "{\"info\":{\"id\":\"msg_user_" + sessionId + "\",\"sessionID\":\"" + sessionId
                + "\",\"role\":\"user\",\"time\":{\"created\":1}},\"parts\":[{\"id\":\"prt_u\",\"type\":\"text\",\"text\":\"do it\"}]}";
    }

    private static String assistantMessage(String sessionId) {
        return "{\"info\":{\"id\":\"msg_reply_" + sessionId + "\",\"sessionID\":\"" + sessionId
                + "\",\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"echo\",\"providerID\":\"stub\",\"cost\":0,"
                + "\"tokens\":{\"input\":10,\"output\":5,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}},"
                + "\"time\":{\"created\":2,\"completed\":3},\"finish\":\"stop\"},"
                + "\"parts\":[{\"id\":\"prt_a\",\"type\":\"text\",\"text\":\"reply to " + sessionId + "\"}]}";
    }
}
