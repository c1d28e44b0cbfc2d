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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A JDK HttpServer on 127.0.0.1:0 whose {@code GET /event} writes the recorded {@code /event} frames (the
 * {@code recordings/event-*.sse} test resources) over and over, as fast as the socket takes them, then ends the
 * response. The whole body is built once, so the writer does no work per frame.
 *
 * <p>A connection may be held after its headers until the bench releases it ({@link #holdNextConnection()}), so that a
 * consumer whose stream connects on its own before the route subscribes still sees the body from its first frame; the
 * connections after it (the stream reconnecting after the end of the body) get an empty body, so that a second replay
 * does not compete for the CPU with the round being measured.
 */
final class SseReplayServer implements AutoCloseable {

    private static final String HEARTBEAT_TYPE = "\"type\":\"server.heartbeat\"";
    private static final long HOLD_LIMIT_SECONDS = 60;

    static final List<String> RECORDINGS = List.of("event-agent-read-tool.sse", "event-errors-401-ctx-503-429.sse",
            "event-mixed-scenarios.sse", "event-permission-question.sse");

    private final HttpServer server;
    private final byte[] body;
    private final int eventsPerConnection;
    private final int heartbeatsPerConnection;
    private final List<String> sessionIds;
    private CountDownLatch hold;
    private boolean emptyAfterHold;

    /** @param minimumEvents the body repeats the recordings until it holds at least this many frames */
    SseReplayServer(int minimumEvents) throws IOException {
        List<String> frames = new ArrayList<>();
        for (String name : RECORDINGS) {
            frames.addAll(framesOf(name));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int events = 0;
        int heartbeats = 0;
        while (events < minimumEvents) {
            for (String frame : frames) {
                bytes.writeBytes(frame.getBytes(StandardCharsets.UTF_8));
                events++;
                heartbeats += frame.contains(HEARTBEAT_TYPE) ? 1 : 0;
            }
        }
        body = bytes.toByteArray();
        eventsPerConnection = events;
        heartbeatsPerConnection = heartbeats;
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

    /** @return how many of {@link #eventsPerConnection()} frames are {@code server.heartbeat} events */
    int heartbeatsPerConnection() {
        return heartbeatsPerConnection;
    }

    /**
     * The next connection gets its headers at once but its body only when the returned latch is counted down (or,
     * if it never is, after 60 s); every later connection gets its headers and an empty body, until
     * {@link #serveEveryConnection()}.
     *
     * @return the latch releasing the held connection
     */
    synchronized CountDownLatch holdNextConnection() {
        CountDownLatch latch = new CountDownLatch(1);
        hold = latch;
        emptyAfterHold = true;
        return latch;
    }

    /** Back to the default: every connection gets the whole body at once. */
    synchronized void serveEveryConnection() {
        hold = null;
        emptyAfterHold = false;
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
        CountDownLatch held;
        boolean empty;
        synchronized (this) {
            held = hold;
            hold = null;
            empty = held == null && emptyAfterHold;
        }
        try (OutputStream output = exchange.getResponseBody()) {
            output.flush();
            if (held != null && !held.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("SSE replay: a held connection was never released; sending it anyway");
            }
            if (!empty) {
                output.write(body);
            }
        } catch (IOException clientGone) {
            System.err.println("SSE replay: write failed: " + clientGone);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
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
