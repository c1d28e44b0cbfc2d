package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a "nothing more happens" condition must hold: several reconnect delays (20 to 200 ms) of the stream. */
    private static final Duration HOLD = Duration.ofMillis(600);
    private static final String PASSWORD = "event-Pa55word";

    private StubServer stub;
    private EventStream stream;

    /** Records every callback. */
    static final class RecordingListener implements EventListener {
        final List<OpenCodeEvent> events = new CopyOnWriteArrayList<>();
        final List<Boolean> connects = new CopyOnWriteArrayList<>();
        final List<Throwable> disconnects = new CopyOnWriteArrayList<>();
        final List<String> malformed = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(OpenCodeEvent event) {
            events.add(event);
        }

        @Override
        public void onConnected(boolean reconnected) {
            connects.add(reconnected);
        }

        @Override
        public void onDisconnected(Throwable cause) {
            disconnects.add(cause);
        }

        @Override
        public void onMalformedFrame(String frame, Exception error) {
            malformed.add(frame);
        }

        List<String> ids() {
            return events.stream().map(OpenCodeEvent::id).toList();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        stub = new StubServer();
    }

    @AfterEach
    void tearDown() {
        if (stream != null) {
            stream.close();
        }
        stub.close();
    }

    private EventStream newStream(Duration heartbeatTimeout) {
        stream = new EventStream(ServerEndpoint.of(stub.url(), null, PASSWORD),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(2)),
                new EventStreamOptions(heartbeatTimeout, Duration.ofMillis(20), Duration.ofMillis(200)));
        return stream;
    }

    private static String event(String id, String type, String sessionId) {
        String properties = sessionId == null ? "{}" : "{\"sessionID\":\"" + sessionId + "\"}";
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"properties\":" + properties + "}";
    }

    /** OpenCode 1.14.48: the global stream, whose durable events come twice (the {@code sync} copy is skipped). */
    @Test
    void theGlobalRouteUnwrapsPayloadsAndSkipsSyncCopies() throws Exception {
        RecordingListener session = new RecordingListener();
        stream = new EventStream(ServerEndpoint.of(stub.url(), null, PASSWORD),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(2)),
                new EventStreamOptions(Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(200)), EventRoute.GLOBAL_EVENT);
        stream.subscribe("ses_1", session);
        stream.start();
        StubServer.SseConnection connection = stub.nextSseConnection();

        connection.event("{\"payload\":" + event("e1", "server.connected", null) + "}");
        connection.event("{\"directory\":\"/work/project\",\"project\":\"global\",\"payload\":" + event("e2", "session.idle", "ses_1") + "}");
        connection.event("{\"directory\":\"/work/project\",\"project\":\"global\",\"payload\":{\"id\":\"e3\",\"type\":\"sync\","
                + "\"properties\":{\"sessionID\":\"ses_1\"}}}");
        connection.event("{\"directory\":\"/work/project\",\"project\":\"global\",\"payload\":" + event("e4", "session.idle", "ses_1") + "}");

        await().atMost(WAIT).until(() -> session.events.size() == 2);
        assertThat(session.events).extracting(OpenCodeEvent::id).containsExactly("e2", "e4");
        assertThat(stub.requests()).extracting(StubServer.Recorded::path).contains("/global/event").doesNotContain("/event");
    }

    @Test
    void demultiplexesBySession() throws Exception {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        RecordingListener all = new RecordingListener();
        newStream(Duration.ofSeconds(5));
        stream.subscribe("ses_1", first);
        stream.subscribe("ses_2", second);
        stream.subscribe(null, all);
        stream.start();
        stream.start();

        StubServer.SseConnection connection = stub.nextSseConnection();
        assertThat(connection.authorization()).startsWith("Basic ");
        connection.event(event("e0", "server.connected", null));
        connection.event(event("e1", "session.status", "ses_1"));
        connection.event(event("e2", "session.idle", "ses_2"));
        connection.event(event("e3", "session.idle", "ses_1"));
        connection.event(event("e4", "session.idle", "ses_3"));

        await().atMost(WAIT).until(() -> all.events.size() == 5);
        assertThat(all.ids()).containsExactly("e0", "e1", "e2", "e3", "e4");
        assertThat(first.ids()).containsExactly("e1", "e3");
        assertThat(second.ids()).containsExactly("e2");
        assertThat(first.connects).containsExactly(false);
        assertThat(stream.isConnected()).isTrue();
        assertThat(stream.lastEventAt()).isNotNull();
        assertThat(stream.reconnectCount()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .contains("opencode-events-" + stream.endpoint().port());
        // The second start() opened no second connection, not even a late one.
        await().during(HOLD).atMost(WAIT).until(() -> eventRequests() == 1);
    }

    @Test
    void unsubscribedListenerGetsNothingMore() throws Exception {
        RecordingListener session = new RecordingListener();
        RecordingListener all = new RecordingListener();
        newStream(Duration.ofSeconds(5));
        Subscription subscription = stream.subscribe("ses_1", session);
        stream.subscribe(null, all);
        stream.start();
        StubServer.SseConnection connection = stub.nextSseConnection();

        connection.event(event("e1", "session.idle", "ses_1"));
        await().atMost(WAIT).until(() -> session.events.size() == 1);
        subscription.close();
        subscription.close();
        connection.event(event("e2", "session.idle", "ses_1"));

        await().atMost(WAIT).until(() -> all.events.size() == 2);
        assertThat(session.ids()).containsExactly("e1");
    }

    @Test
    void reconnectsAfterTheServerClosesTheStream() throws Exception {
        RecordingListener listener = new RecordingListener();
        newStream(Duration.ofSeconds(5)).subscribe("ses_1", listener);
        stream.start();

        StubServer.SseConnection first = stub.nextSseConnection();
        first.event(event("e1", "session.status", "ses_1"));
        await().atMost(WAIT).until(() -> listener.events.size() == 1);
        first.close();

        StubServer.SseConnection second = stub.nextSseConnection();
        second.event(event("e2", "session.idle", "ses_1"));

        await().atMost(WAIT).until(() -> listener.events.size() == 2);
        assertThat(listener.ids()).containsExactly("e1", "e2");
        assertThat(listener.connects).containsExactly(false, true);
        assertThat(listener.disconnects).hasSize(1);
        assertThat(stream.reconnectCount()).isEqualTo(1);
        assertThat(stream.isConnected()).isTrue();
    }

    @Test
    void heartbeatWatchdogReconnectsASilentStream() throws Exception {
        RecordingListener listener = new RecordingListener();
        newStream(Duration.ofMillis(300)).subscribe(null, listener);
        stream.start();

        StubServer.SseConnection silent = stub.nextSseConnection();
        silent.event(event("e1", "server.connected", null));
        // The stub now says nothing while keeping the connection open.

        StubServer.SseConnection fresh = stub.nextSseConnection();
        fresh.event(event("e2", "server.connected", null));

        await().atMost(WAIT).until(() -> listener.events.size() == 2);
        assertThat(listener.connects).containsExactly(false, true);
        assertThat(listener.disconnects).singleElement().isInstanceOf(TimeoutException.class);
        assertThat(stream.reconnectCount()).isEqualTo(1);
    }

    @Test
    void malformedFrameIsReportedAndSkipped() throws Exception {
        RecordingListener all = new RecordingListener();
        RecordingListener session = new RecordingListener();
        newStream(Duration.ofSeconds(5)).subscribe(null, all);
        stream.subscribe("ses_1", session);
        stream.start();
        StubServer.SseConnection connection = stub.nextSseConnection();

        connection.write("data: {\"type\":\"session.idle\",broken\n\n");
        connection.write("data: {\"id\":\"no-type\"}\n\n");
        connection.event(event("e1", "session.idle", "ses_1"));

        await().atMost(WAIT).until(() -> session.events.size() == 1);
        assertThat(all.malformed).containsExactly("{\"type\":\"session.idle\",broken", "{\"id\":\"no-type\"}");
        assertThat(all.ids()).containsExactly("e1");
        assertThat(session.malformed).isEmpty();
        assertThat(stream.reconnectCount()).isZero();
    }

    @Test
    void listenerExceptionIsIsolated() throws Exception {
        RecordingListener healthy = new RecordingListener();
        List<String> seenByFailing = new CopyOnWriteArrayList<>();
        newStream(Duration.ofSeconds(5));
        stream.subscribe("ses_1", event -> {
            seenByFailing.add(event.id());
            throw new IllegalStateException("listener bug");
        });
        stream.subscribe("ses_1", healthy);
        stream.start();
        StubServer.SseConnection connection = stub.nextSseConnection();

        connection.event(event("e1", "session.status", "ses_1"));
        connection.event(event("e2", "session.idle", "ses_1"));

        await().atMost(WAIT).until(() -> healthy.events.size() == 2);
        assertThat(seenByFailing).containsExactly("e1", "e2");
        assertThat(healthy.ids()).containsExactly("e1", "e2");
        assertThat(stream.reconnectCount()).isZero();
    }

    @Test
    void keepsRetryingAfterUnauthorized() throws Exception {
        stub.rejectNextEventRequests(401, 401);
        RecordingListener listener = new RecordingListener();
        newStream(Duration.ofSeconds(5)).subscribe(null, listener);
        stream.start();

        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(event("e1", "server.connected", null));

        await().atMost(WAIT).until(() -> listener.events.size() == 1);
        assertThat(stub.requests()).filteredOn(request -> request.path().equals("/event")).hasSize(3);
        assertThat(listener.connects).containsExactly(false);
        assertThat(listener.disconnects).isEmpty();
    }

    @Test
    void closeStopsCallbacksAndTheThread() throws Exception {
        RecordingListener listener = new RecordingListener();
        newStream(Duration.ofSeconds(5)).subscribe(null, listener);
        stream.start();
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(event("e1", "server.connected", null));
        await().atMost(WAIT).until(() -> listener.events.size() == 1);
        String threadName = "opencode-events-" + stream.endpoint().port();

        stream.close();

        assertThat(stream.isConnected()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .extracting(Thread::getName).doesNotContain(threadName);
        try {
            connection.event(event("e2", "session.idle", "ses_1"));
        } catch (java.io.IOException expected) {
            // The client side is gone; writing may fail.
        }
        stream.start();

        // Nothing arrives, reconnects or restarts afterwards, however long one waits.
        await().during(HOLD).atMost(WAIT).until(() -> listener.ids().equals(List.of("e1")) && listener.disconnects.isEmpty()
                && eventRequests() == 1 && !stream.isConnected());
    }

    private long eventRequests() {
        return stub.requests().stream().filter(request -> request.path().equals("/event")).count();
    }
}
