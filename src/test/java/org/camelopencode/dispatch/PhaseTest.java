package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Phase#after}: the whole transition table, every phase against every trigger ("bug" = not allowed). */
class PhaseTest {

    /** Columns in {@link Phase.Trigger} order; "=" = the phase stays. */
    private static final String TABLE = """
            phase             | SESSION_READY | SEEN_BUSY | AWAITING_FINAL_MESSAGE | STRICTER_PROMPT_SENT | APPROVAL_WAIT_STARTED | APPROVAL_WAIT_ENDED | ENDING_ON_PURPOSE | DECIDED
            STARTING          | RUNNING       | bug       | bug                    | bug                  | bug                   | bug                 | ENDING            | DONE
            RUNNING           | bug           | =         | SETTLING               | JSON_RETRY           | AWAITING_APPROVAL     | bug                 | ENDING            | DONE
            SETTLING          | bug           | RUNNING   | =                      | JSON_RETRY           | AWAITING_APPROVAL     | bug                 | ENDING            | DONE
            JSON_RETRY        | bug           | RUNNING   | SETTLING               | =                    | AWAITING_APPROVAL     | bug                 | ENDING            | DONE
            AWAITING_APPROVAL | bug           | =         | =                      | =                    | =                     | RUNNING             | ENDING            | DONE
            ENDING            | =             | =         | =                      | =                    | =                     | =                   | =                 | DONE
            DONE              | =             | =         | =                      | =                    | =                     | =                   | =                 | =
            """;

    static Stream<Arguments> transitions() {
        List<String> lines = TABLE.lines().toList();
        List<String> header = cells(lines.get(0));
        List<Arguments> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = cells(line);
            Phase phase = Phase.valueOf(cells.get(0));
            for (int column = 1; column < cells.size(); column++) {
                String cell = cells.get(column);
                Phase expected = cell.equals("bug") ? null : cell.equals("=") ? phase : Phase.valueOf(cell);
                rows.add(Arguments.of(phase, Phase.Trigger.valueOf(header.get(column)), expected));
            }
        }
        return rows.stream();
    }

    private static List<String> cells(String line) {
        return Stream.of(line.split("\\|")).map(String::strip).toList();
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("transitions")
    void movesByTheTable(Phase phase, Phase.Trigger trigger, Phase expected) {
        assertThat(phase.after(trigger)).isEqualTo(expected);
    }

    @Test
    void theTableNamesEveryPhaseAndTrigger() {
        assertThat(transitions()).hasSize(Phase.values().length * Phase.Trigger.values().length);
    }

    @Test
    void onlyTheWatchingPhasesJudgeAndProgressShowsTheDocumentedStates() {
        assertThat(Stream.of(Phase.values()).filter(Phase::judging))
                .containsExactly(Phase.RUNNING, Phase.SETTLING, Phase.JSON_RETRY, Phase.AWAITING_APPROVAL);
        assertThat(Phase.STARTING.progressState(true)).isEqualTo("starting");
        assertThat(Phase.AWAITING_APPROVAL.progressState(true)).isEqualTo("awaiting approval");
        assertThat(Phase.SETTLING.progressState(true)).isEqualTo("idle");
        assertThat(Phase.RUNNING.progressState(false)).isEqualTo("busy");
        assertThat(Phase.ENDING.progressState(false)).isEqualTo("busy");
    }

    @Test
    void aRunPhaseKeepsItsPhaseOnATriggerThatIsNotAllowedAndTellsWhoDecidedFirst() {
        AtomicReference<String> session = new AtomicReference<>();
        RunPhase phase = new RunPhase(session::get);

        assertThat(phase.advance(Phase.Trigger.SEEN_BUSY)).isEqualTo(Phase.STARTING);
        assertThat(phase.current()).as("a bug is logged, not applied").isEqualTo(Phase.STARTING);
        session.set("ses_1");
        assertThat(phase.advance(Phase.Trigger.SESSION_READY)).isEqualTo(Phase.STARTING);
        assertThat(phase.advance(Phase.Trigger.APPROVAL_WAIT_STARTED)).isEqualTo(Phase.RUNNING);
        assertThat(phase.advance(Phase.Trigger.SEEN_BUSY)).isEqualTo(Phase.AWAITING_APPROVAL);
        assertThat(phase.current()).isEqualTo(Phase.AWAITING_APPROVAL);
        assertThat(phase.advance(Phase.Trigger.DECIDED)).isEqualTo(Phase.AWAITING_APPROVAL);
        assertThat(phase.decided()).isTrue();
        assertThat(phase.advance(Phase.Trigger.DECIDED)).as("a second decision learns it came late").isEqualTo(Phase.DONE);
    }
}
