package org.camelopencode.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What a {@link Reply} needs to answer one request: the exchange, the parsed request and the server's shutdown signal. */
final class ReplyContext {

    private final HttpExchange exchange;
    private final RecordedRequest request;
    private final ObjectMapper mapper;
    private final CountDownLatch serverClosed;

    ReplyContext(HttpExchange exchange, RecordedRequest request, ObjectMapper mapper, CountDownLatch serverClosed) {
        this.exchange = exchange;
        this.request = request;
        this.mapper = mapper;
        this.serverClosed = serverClosed;
    }

    HttpExchange exchange() {
        return exchange;
    }

    RecordedRequest request() {
        return request;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Waits for the given time unless the server closes first.
     *
     * @return true when the full time passed, false when the server closed (or the thread was interrupted)
     */
    boolean pause(Duration duration) {
        try {
            return !serverClosed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Blocks until the server closes (or the thread is interrupted). */
    void awaitServerClose() {
        try {
            serverClosed.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
