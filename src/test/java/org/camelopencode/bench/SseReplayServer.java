package org.camelopencode.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A JDK HttpServer on 127.0.0.1:0 whose {@code GET /event} writes the recorded {@code /event} frames (the
 * {@code recordings/event-*.sse} test resources) over and over, as fast as the socket takes them, then ends the
 * response. The whole body is built once, so the writer does no work per frame.
 */
final class SseReplayServer implements AutoCloseable {

    static final List<String> RECORDINGS = List.of("event-agent-read-tool.sse", "event-errors-401-ctx-503-429.sse",
            "event-mixed-scenarios.sse", "event-permission-question.sse");

    private final HttpServer server;
    private final byte[] body;
    private final int eventsPerConnection;
    private final List<String> sessionIds;

    /** @param minimumEvents the body repeats the recordings until it holds at least this many frames */
    SseReplayServer(int minimumEvents) throws IOException {
        List<String> frames = new ArrayList<>();
        for (String name : RECORDINGS) {
            frames.addAll(framesOf(name));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int events = 0;
        while (events < minimumEvents) {
            for (String frame : frames) {
                bytes.writeBytes(frame.getBytes(StandardCharsets.UTF_8));
                events++;
            }
        }
        body = bytes.toByteArray();
        eventsPerConnection = events;
        sessionIds = frames.stream().map(SseReplayServer::sessionIdOf).filter(id -> id != null).distinct().toList();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-sse-server");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/event", this::replay);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return the number of frames one connection receives */
    int eventsPerConnection() {
        return eventsPerConnection;
    }

    /** @return the body size in bytes */
    int bodyBytes() {
        return body.length;
    }

    /** @return the distinct session ids found in the recordings */
    List<String> sessionIds() {
        return sessionIds;
    }

    private void replay(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(body);
        } catch (IOException clientGone) {
            System.err.println("SSE replay: write failed: " + clientGone);
        } finally {
            exchange.close();
        }
    }

    /** Splits a recording into frames, each ending with its blank line. */
    private static List<String> framesOf(String resource) throws IOException {
        String text;
        try (InputStream input = SseReplayServer.class.getResourceAsStream("/recordings/" + resource)) {
            if (input == null) {
                throw new IOException("missing test resource recordings/" + resource);
            }
            text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> frames = new ArrayList<>();
        for (String frame : text.split("\n\n")) {
            if (!frame.isBlank()) {
                frames.add(frame.strip() + "\n\n");
            }
        }
        return frames;
    }

    private static String sessionIdOf(String frame) {
        int key = frame.indexOf("\"sessionID\":\"");
        if (key < 0) {
            return null;
        }
        int start = key + "\"sessionID\":\"".length();
        return frame.substring(start, frame.indexOf('"', start));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
