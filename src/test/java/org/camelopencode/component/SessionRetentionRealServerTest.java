package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.it.SharedOpenCode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session retention on the real server (issue 15 item 6): with a short retention, the session of a finished ledger entry
 * is deleted ({@code DELETE /session/{id}?directory=...}), the session of a running entry is kept.
 */
class SessionRetentionRealServerTest {

    private static final Duration RETENTION = Duration.ofSeconds(1);

    @TempDir
    Path folder;

    @Test
    void deletesAnOldFinishedSessionAndKeepsARunningOne() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Path directory = Files.createDirectories(folder.resolve("project")).toRealPath();
        try (OpenCodeClient client = openCode.newClient();
                DispatchLedger ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + folder.resolve("ledger") + ";AUTO_SERVER=FALSE",
                        "sa", "s3cret"))) {
            OpenCodeClient scoped = client.inDirectory(directory);
            String finished = scoped.createSession("retention finished").id();
            String running = scoped.createSession("retention running").id();
            long done = ledger.begin("key-finished", "finished", null, null, 1, "scripted/echo");
            ledger.attachSession(done, "server-1", finished);
            ledger.complete(done, new DispatchResult(finished, "msg_1", "scripted/echo", "build", "ok", null, new TokenUsage(1, 1, 0, 0, 0),
                    0, "stop", Duration.ofMillis(5)));
            long busy = ledger.begin("key-running", "running", null, null, 1, "scripted/echo");
            ledger.attachSession(busy, "server-1", running);
            SessionRetention retention = new SessionRetention(new DefaultCamelContext(), RETENTION, ledger, () -> Map.of("server-1", client),
                    Clock.systemUTC());

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> retention.sweepOnce() == 1);

            assertThatThrownBy(() -> client.session(finished)).isInstanceOfSatisfying(OpenCodeApiException.class,
                    missing -> assertThat(missing.statusCode()).isEqualTo(404));
            assertThat(scoped.session(running).id()).isEqualTo(running);
            assertThat(retention.sweepOnce()).as("nothing left to delete").isZero();
            assertThat(scoped.session(running).id()).isEqualTo(running);
        }
    }

    @Test
    void theSweepIntervalIsATenthOfTheRetentionWithinBounds() {
        assertThat(SessionRetention.sweepInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(SessionRetention.sweepInterval(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(1));
        assertThat(SessionRetention.sweepInterval(Duration.ofDays(7))).isEqualTo(Duration.ofHours(1));
    }
}
