package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared inbox's locks on a real H2 ledger, two runners ({@code one}, {@code two}) sharing it: each file is
 * locked by one runner, and a runner locks at most its limit of files at once, leaving the rest to the other.
 */
class InboxLocksTest {

    @TempDir
    Path temporary;

    private DispatchLedger ledger;

    @AfterEach
    void close() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private InboxLocks locks(String nodeId, int limit) {
        if (ledger == null) {
            ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
        }
        OpenCodeComponent component = new OpenCodeComponent();
        component.setLedger(ledger);
        component.setClusterNode(new ClusterNode(nodeId, Duration.ofSeconds(30), null, true));
        return new InboxLocks(component, limit);
    }

    @Test
    void aRunnerLocksAtMostItsLimitAndTheOtherRunnerTakesTheRest() {
        InboxLocks one = locks("one", 2);
        InboxLocks two = locks("two", 2);

        assertThat(one.add("/inbox/a.md")).isTrue();
        assertThat(one.add("/inbox/b.md")).isTrue();
        assertThat(one.add("/inbox/c.md")).as("one runs two at once: c is left for another runner").isFalse();
        assertThat(ledger.claims().find("inbox:/inbox/c.md")).as("refused without a claim").isEmpty();
        assertThat(one.held()).isEqualTo(2);

        assertThat(two.add("/inbox/a.md")).as("one's").isFalse();
        assertThat(two.add("/inbox/c.md")).isTrue();
        assertThat(two.held()).isEqualTo(1);
        assertThat(one.contains("/inbox/c.md")).isTrue();

        assertThat(one.confirm("/inbox/a.md")).as("archived: the lock is released").isTrue();
        assertThat(one.held()).isEqualTo(1);
        assertThat(one.add("/inbox/c.md")).as("two's").isFalse();
        assertThat(one.add("/inbox/d.md")).isTrue();
        assertThat(one.remove("/inbox/d.md")).as("handed back").isTrue();
        assertThat(one.held()).isEqualTo(1);
        assertThat(ledger.claims().find("inbox:/inbox/d.md")).isEmpty();
    }

    @Test
    void theLimitMustBePositive() {
        assertThatThrownBy(() -> locks("one", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opencode.concurrency");
    }
}
