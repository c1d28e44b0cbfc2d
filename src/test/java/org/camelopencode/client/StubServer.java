package org.camelopencode.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK HttpServer on 127.0.0.1:0 answering canned responses and serving controllable SSE connections on /event and
 * /global/event.
 * Public for the component tests of {@code opencode:events}.
 */
public final class StubServer implements AutoCloseable {

    /** A canned answer. */
    record Answer(int status, String body, long delayMillis, String contentType) {
        Answer(int status, String body, long delayMillis) {
            this(status, body, delayMillis, "application/json");
        }
    }

    /** One request as the server saw it. */
    public record Recorded(String method, String path, String authorization, String body) {
    }

    /** One open SSE connection the test writes to. */
    public static final class SseConnection {
        private final HttpExchange exchange;
        private final CountDownLatch closed = new CountDownLatch(1);

        SseConnection(HttpExchange exchange) {
            this.exchange = exchange;
        }

        /** Writes raw text (frames must end with a blank line). */
        public void write(String text) throws IOException {
            OutputStream body = exchange.getResponseBody();
            body.write(text.getBytes(StandardCharsets.UTF_8));
            body.flush();
        }

        /** Writes one event frame. */
        public void event(String json) throws IOException {
            write("data: " + json + "\n\n");
        }

        public void close() {
            exchange.close();
            closed.countDown();
        }

        String authorization() {
            return exchange.getRequestHeaders().getFirst("Authorization");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<SseConnection> sseConnections = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> eventStatuses = new LinkedBlockingQueue<>();
    private final List<SseConnection> allSse = new CopyOnWriteArrayList<>();

    public StubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code METHOD /path} with a status and a body. */
    StubServer answer(String method, String pathAndQuery, int status, String body) {
        answers.put(method + " " + pathAndQuery, new Answer(status, body, 0));
        return this;
    }

    /**
     * Answers {@code GET /global/health} as an OpenCode server of that version does (the component's start-up check reads it).
     *
     * @param version e.g. {@code 1.18.33}
     * @return this stub
     */
    public StubServer answerHealth(String version) {
        return answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"" + version + "\"}");
    }

    /** Answers {@code METHOD /path} with 200 and an HTML page, as servers do for paths they do not route. */
    StubServer answerHtml(String method, String pathAndQuery, String page) {
        answers.put(method + " " + pathAndQuery, new Answer(200, page, 0, "text/html; charset=utf-8"));
        return this;
    }

    /** Answers after a delay (for timeout tests). */
    StubServer answerSlowly(String method, String pathAndQuery, long delayMillis) {
        answers.put(method + " " + pathAndQuery, new Answer(200, "true", delayMillis));
        return this;
    }

    /** The next {@code GET /event} requests are answered with these statuses instead of a stream. */
    public void rejectNextEventRequests(int... statuses) {
        for (int status : statuses) {
            eventStatuses.add(status);
        }
    }

    public List<Recorded> requests() {
        return requests;
    }

    /** Waits for the next SSE connection. */
    public SseConnection nextSseConnection() throws InterruptedException {
        SseConnection connection = sseConnections.poll(10, TimeUnit.SECONDS);
        if (connection == null) {
            throw new AssertionError("no GET /event connection within 10 s");
        }
        return connection;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() != null ? "?" + exchange.getRequestURI().getRawQuery() : "");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Recorded(method, pathAndQuery, exchange.getRequestHeaders().getFirst("Authorization"), body));
        if ("GET /event".equals(method + " " + pathAndQuery) || "GET /global/event".equals(method + " " + pathAndQuery)) {
            Integer rejection = eventStatuses.poll();
            if (rejection != null) {
                respond(exchange, rejection, "{\"name\":\"Unauthorized\",\"data\":{\"message\":\"nope\"}}");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            SseConnection connection = new SseConnection(exchange);
            allSse.add(connection);
            sseConnections.add(connection);
            return;
        }
        Answer answer = answers.get(method + " " + pathAndQuery);
        if (answer == null) {
            respond(exchange, 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no stub for " + pathAndQuery + "\"}}");
            return;
        }
        if (answer.delayMillis() > 0) {
            try {
                // The stub must stay silent to provoke a client timeout; this is the server side, not a test wait.
                new CountDownLatch(1).await(answer.delayMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        respond(exchange, answer.status(), answer.body(), answer.contentType());
    }

    /**
     * Writes a JSON answer and closes the exchange; shared with the other stubs of the test suite.
     *
     * @param exchange the exchange
     * @param status the HTTP status
     * @param body the JSON body, or {@code null} for none
     * @throws IOException when the client is gone
     */
    public static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, body, "application/json");
    }

    private static void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        allSse.forEach(SseConnection::close);
        server.stop(0);
        executor.shutdownNow();
    }
}
