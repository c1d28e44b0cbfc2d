package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a server per dispatch, and the size option syntax of the fleet. */
class ServerPickerTest {

    private static ServerPicker.Candidate<String> server(String name, boolean healthy, int inFlight, long served) {
        return new ServerPicker.Candidate<>(name, healthy, inFlight, served, name);
    }

    @Test
    void picksTheLeastBusyHealthyServerThenTheOneThatServedFewest() {
        List<ServerPicker.Candidate<String>> servers = List.of(server("a", true, 2, 1), server("b", false, 0, 0),
                server("c", true, 1, 9), server("d", true, 1, 3));
        assertThat(ServerPicker.pick(servers, 0)).map(ServerPicker.Candidate::target).hasValue("d");
        assertThat(ServerPicker.pick(List.of(server("a", true, 0, 0), server("b", true, 0, 0)), 0))
                .map(ServerPicker.Candidate::target).as("full tie: listing order").hasValue("a");
    }

    @Test
    void theCapLeavesFullServersOutAndNoneWhenAllAreFullOrDown() {
        List<ServerPicker.Candidate<String>> servers = List.of(server("a", true, 2, 0), server("b", true, 1, 50));
        assertThat(ServerPicker.pick(servers, 2)).map(ServerPicker.Candidate::target).hasValue("b");
        assertThat(ServerPicker.pick(servers, 1)).isEmpty();
        assertThat(ServerPicker.pick(List.of(server("a", false, 0, 0)), 0)).isEmpty();
        assertThat(ServerPicker.pick(List.<ServerPicker.Candidate<String>>of(), 0)).isEmpty();
    }

    @Test
    void sizesTakeBinaryUnits() {
        assertThat(ByteSizes.parse("0", "x")).isZero();
        assertThat(ByteSizes.parse(" ", "x")).isZero();
        assertThat(ByteSizes.parse("1048576", "x")).isEqualTo(1048576);
        assertThat(ByteSizes.parse("512k", "x")).isEqualTo(512L * 1024);
        assertThat(ByteSizes.parse("10MB", "x")).isEqualTo(10L * 1024 * 1024);
        assertThat(ByteSizes.parse("2GiB", "x")).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThatThrownBy(() -> ByteSizes.parse("-1m", "managedRecycleAboveMemory"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("managedRecycleAboveMemory");
        assertThatThrownBy(() -> ByteSizes.parse("lots", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
