package org.camelopencode.client;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open {@code GET /event} connections of a stub OpenCode server: accepts them (SSE headers and a
 * {@code server.connected} frame), writes a frame to all of them, drops them. Thread-safe; frames are never interleaved.
 */
public final class StubEventStreams {

    private static final byte[] CONNECTED = "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n"
            .getBytes(StandardCharsets.UTF_8);

    private final List<HttpExchange> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object writeLock = new Object();

    /**
     * Answers the request with an event stream that stays open until {@link #closeAll()}.
     *
     * @param exchange a {@code GET /event} request
     * @throws IOException when the client is gone
     */
    public void accept(HttpExchange exchange) throws IOException {
        accepted.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        synchronized (writeLock) {
            OutputStream body = exchange.getResponseBody();
            body.write(CONNECTED);
            body.flush();
            open.add(exchange);
        }
    }

    /**
     * Writes {@code data: <json>} to every open stream; a stream that fails is dropped.
     *
     * @param json the event
     * @return {@link System#nanoTime()} taken just before the first write
     */
    public long broadcast(String json) {
        byte[] frame = ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            long now = System.nanoTime();
            for (HttpExchange stream : open) {
                try {
                    OutputStream body = stream.getResponseBody();
                    body.write(frame);
                    body.flush();
                } catch (IOException gone) {
                    open.remove(stream);
                }
            }
            return now;
        }
    }

    /** Closes every open stream (clients see EOF and reconnect). */
    public void closeAll() {
        synchronized (writeLock) {
            open.forEach(HttpExchange::close);
            open.clear();
        }
    }

    /** @return the streams open now */
    public int openCount() {
        return open.size();
    }

    /** @return the streams accepted so far */
    public int acceptedCount() {
        return accepted.get();
    }
}
