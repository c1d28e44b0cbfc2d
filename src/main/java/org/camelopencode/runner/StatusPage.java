package org.camelopencode.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.ledger.ClusterView;

/**
 * The runner's status page (routes/status.yaml, bound as {@code opencodeStatus}): {@code GET /status} serves the page
 * ({@code status/index.html} on the classpath: plain HTML, CSS and JavaScript, nothing fetched from the internet), which
 * polls {@code GET /status/api} for a {@link StatusSnapshot}: the servers, the dispatches in flight with their
 * progress, the recent results and failures by kind, and the throughput and spend per time bucket for its chart.
 */
public final class StatusPage {

    /** Classpath location of the page. */
    static final String PAGE = "/status/index.html";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenCodeComponent component;
    private final StatusRecorder recorder;
    private final Clock clock;
    private final String page;

    /**
     * @param component the {@code opencode} component whose servers and dispatches are shown
     * @param recorder the finished attempts (registered as an event notifier)
     * @param clock the clock stamping snapshots
     * @throws UncheckedIOException when the page is missing from the classpath
     */
    public StatusPage(OpenCodeComponent component, StatusRecorder recorder, Clock clock) {
        this.component = component;
        this.recorder = recorder;
        this.clock = clock;
        this.page = readPage();
    }

    /** @return the page's HTML (UTF-8) */
    public String page() {
        return page;
    }

    /**
     * @return the current {@link StatusSnapshot}: servers read now ({@code GET /global/health} for directly configured
     *     servers, the supervisor's last check for fleet instances), progress from the session events
     */
    public StatusSnapshot snapshot() {
        return new StatusSnapshot(clock.instant().toString(),
                component.fleetStatus().stream().map(StatusSnapshot.Server::of).toList(),
                component.inFlightProgress().stream().map(StatusSnapshot.Running::of).toList(),
                recorder.recent(), recorder.totals(), StatusRecorder.BUCKET_SECONDS, recorder.timeline(),
                component.getLedger() == null ? null : ClusterView.of(component.getLedger(), component.getClusterNode()));
    }

    /**
     * @return {@link #snapshot()} as JSON
     * @throws IllegalStateException when it cannot be written (not expected: plain records)
     */
    public String api() {
        try {
            return JSON.writeValueAsString(snapshot());
        } catch (JsonProcessingException failure) {
            throw new IllegalStateException("cannot write the status snapshot as JSON", failure);
        }
    }

    private static String readPage() {
        try (InputStream in = StatusPage.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the status page " + PAGE + " is missing from the classpath"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
