package org.camelopencode.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted, offline, OpenAI-compatible model server for testing routes against a real OpenCode server.
 * <p>Serves {@code POST /v1/chat/completions} (streamed {@code text/event-stream} when the request has
 * {@code stream: true}, else one JSON object) and {@code GET /v1/models} on {@code 127.0.0.1}. Point OpenCode at
 * {@link #baseUri()} through an {@code @ai-sdk/openai-compatible} provider (see
 * {@code org.camelopencode.server.OpenCodeConfig#scriptedProvider}).
 * <p>Per request, the first rule whose {@link RequestMatcher} matches answers; a rule's replies are used in order,
 * one per matching request, and its last reply repeats. With no matching rule the default reply answers.
 * OpenCode's title-generation call (sent once per session created without a title: no {@code tools}, a system prompt
 * starting "You are a title generator") is answered with a short title and never consumes scripted replies.
 * <p>The built-in default is the <b>offline demo reply</b>: if the latest user message contains "json" (any case) it
 * answers the JSON object {@code {"summary": "<first line of the prompt, at most 80 chars>", "offline": true}}, else the
 * text {@code [offline demo reply] <first line of the prompt>}.
 * <pre>{@code
 * try (ScriptedModelServer model = ScriptedModelServer.start()) {
 *     model.when(RequestMatcher.promptContains("T-1")).reply(Reply.toolCall("bash", "{\"command\":\"ls\"}"), Reply.text("done"));
 *     ...
 * }
 * }</pre>
 * Thread-safe. {@link #close()} releases every request still being answered (e.g. {@link Reply#hang()}).
 */
public final class ScriptedModelServer implements AutoCloseable {

    private static final String TITLE_SYSTEM_MARKER = "you are a title generator";
    private static final String TITLE_USER_MARKER = "Generate a title for this conversation";

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer httpServer;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<String> modelsSeen = new ConcurrentSkipListSet<>();
    private final AtomicInteger activeRequests = new AtomicInteger();
    private volatile Reply defaultReply;

    private ScriptedModelServer(HttpServer httpServer) {
        this.httpServer = httpServer;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "scripted-model-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        httpServer.setExecutor(executor);
        httpServer.createContext("/", this::handle);
    }

    /**
     * Starts a server on a free port of {@code 127.0.0.1}.
     *
     * @return the running server
     * @throws UncheckedIOException when the socket cannot be bound
     */
    public static ScriptedModelServer start() {
        return start(0);
    }

    /**
     * @param port TCP port on {@code 127.0.0.1}, 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when the socket cannot be bound
     */
    public static ScriptedModelServer start(int port) {
        try {
            HttpServer httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            ScriptedModelServer server = new ScriptedModelServer(httpServer);
            httpServer.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the scripted model server to 127.0.0.1:" + port, e);
        }
    }

    /** @return the OpenAI base URL, {@code http://127.0.0.1:PORT/v1} (what the provider's {@code baseURL} needs) */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    /** @return the bound TCP port */
    public int port() {
        return httpServer.getAddress().getPort();
    }

    /**
     * Starts a rule; finish it with {@link RuleBuilder#reply(Reply, Reply...)}. Rules are tried in the order added.
     *
     * @param matcher which requests the rule answers
     * @return the builder of the rule
     */
    public RuleBuilder when(RequestMatcher matcher) {
        return new RuleBuilder(Objects.requireNonNull(matcher, "matcher"));
    }

    /** @param reply the answer when no rule matches (replaces the offline demo reply until {@link #reset()}) */
    public void defaultReply(Reply reply) {
        this.defaultReply = Objects.requireNonNull(reply, "reply");
    }

    /** @return every chat-completion request received since start or the last {@link #reset()}, oldest first, title calls included */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** @return the requests that were not title-generation calls, oldest first */
    public List<RecordedRequest> scriptedRequests() {
        return requests.stream().filter(request -> !request.titleRequest()).toList();
    }

    /** @return the number of requests being answered right now (a {@link Reply#hang()} stays counted until close) */
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Removes all rules and recordings and restores the offline demo reply as default. */
    public void reset() {
        rules.clear();
        requests.clear();
        defaultReply = null;
    }

    /** Stops the server, releasing hanging and slow replies; idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        httpServer.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ScriptedModelServer[" + baseUri() + ", rules=" + rules.size() + ", requests=" + requests.size() + "]";
    }

    private void handle(HttpExchange exchange) throws IOException {
        activeRequests.incrementAndGet();
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/chat/completions") && method.equals("POST")) {
                answerCompletion(exchange);
            } else if (path.equals("/v1/models") && method.equals("GET")) {
                answerModels(exchange);
            } else {
                sendError(exchange, 404, "no route for " + method + " " + path, "not_found");
            }
        } catch (IOException clientGone) {
            // the client disconnected mid-answer: nothing left to answer
        } finally {
            activeRequests.decrementAndGet();
            exchange.close();
        }
    }

    private void answerCompletion(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        RecordedRequest request;
        try {
            request = parse(body);
        } catch (JsonProcessingException | IllegalArgumentException malformed) {
            sendError(exchange, 400, "malformed chat completion request: " + malformed.getMessage(), "invalid_request_error");
            return;
        }
        requests.add(request);
        modelsSeen.add(request.model());
        chooseReply(request).respond(new ReplyContext(exchange, request, mapper, closed));
    }

    private Reply chooseReply(RecordedRequest request) {
        if (request.titleRequest()) {
            return Reply.text(OfflineDemo.title(request.latestUserText()));
        }
        for (Rule rule : rules) {
            if (rule.matcher().matches(request)) {
                return rule.next();
            }
        }
        Reply configured = defaultReply;
        return configured != null ? configured : OfflineDemo.reply(request.latestUserText(), mapper);
    }

    RecordedRequest parse(String body) throws JsonProcessingException {
        JsonNode root = mapper.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("'messages' is missing or not an array");
        }
        StringBuilder system = new StringBuilder();
        String latestUser = "";
        String lastRole = "";
        boolean titleUserMarker = false;
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            String text = messageText(message.path("content"));
            lastRole = role;
            if (role.equals("system")) {
                system.append(system.length() == 0 ? "" : "\n").append(text);
            } else if (role.equals("user")) {
                latestUser = text;
                titleUserMarker |= text.startsWith(TITLE_USER_MARKER);
            }
        }
        JsonNode tools = root.path("tools");
        boolean toolsPresent = tools.isArray() && !tools.isEmpty();
        boolean title = !toolsPresent
                && (system.toString().toLowerCase().contains(TITLE_SYSTEM_MARKER) || titleUserMarker);
        return new RecordedRequest(root.path("model").asText(""), root.path("stream").asBoolean(false), toolsPresent,
                title, latestUser, lastRole, system.toString(), mapper.writeValueAsString(messages), body);
    }

    /** Content is a string or an array of parts; only {@code text} parts count. */
    private static String messageText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("type").asText("").equals("text")) {
                    text.append(text.length() == 0 ? "" : "\n").append(part.path("text").asText(""));
                }
            }
        }
        return text.toString();
    }

    private void answerModels(HttpExchange exchange) throws IOException {
        ObjectNode list = mapper.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        Set<String> ids = new ConcurrentSkipListSet<>(modelsSeen);
        ids.add("scripted");
        ids.remove("");
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "scripted-model-server");
        }
        sendJson(exchange, 200, mapper.writeValueAsBytes(list));
    }

    private void sendError(HttpExchange exchange, int status, String message, String type) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("error").put("message", message).put("type", type);
        sendJson(exchange, status, mapper.writeValueAsBytes(body));
    }

    private static void sendJson(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Second half of {@link #when(RequestMatcher)}. */
    public final class RuleBuilder {
        private final RequestMatcher matcher;

        private RuleBuilder(RequestMatcher matcher) {
            this.matcher = matcher;
        }

        /**
         * Adds the rule.
         *
         * @param first the reply to the first matching request
         * @param then  replies to the following matching requests; the last reply given repeats
         * @return the server, for chaining
         */
        public ScriptedModelServer reply(Reply first, Reply... then) {
            List<Reply> replies = new ArrayList<>();
            replies.add(Objects.requireNonNull(first, "first"));
            replies.addAll(Arrays.asList(then));
            replies.forEach(reply -> Objects.requireNonNull(reply, "reply"));
            rules.add(new Rule(matcher, List.copyOf(replies)));
            return ScriptedModelServer.this;
        }
    }

    /** A matcher and its replies, consumed in order; the last repeats. */
    private record Rule(RequestMatcher matcher, List<Reply> replies, AtomicInteger used) {
        Rule(RequestMatcher matcher, List<Reply> replies) {
            this(matcher, replies, new AtomicInteger());
        }

        Reply next() {
            return replies.get(Math.min(used.getAndIncrement(), replies.size() - 1));
        }
    }

    /**
     * Runs the server standalone until the JVM is stopped.
     *
     * @param args optional {@code --port N} (default: a free port)
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        for (int index = 0; index < args.length; index++) {
            if (args[index].equals("--port") && index + 1 < args.length) {
                port = Integer.parseInt(args[++index]);
            } else {
                System.err.println("usage: ScriptedModelServer [--port N]");
                System.exit(2);
            }
        }
        ScriptedModelServer server = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "scripted-model-shutdown"));
        System.out.println("scripted model server listening on " + server.baseUri());
        server.closed.await();
    }
}
