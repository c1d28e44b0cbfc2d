package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import org.camelopencode.client.IncompatibleServerException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ServerCompatibility} against stub servers answering as OpenCode 1.x versions, OpenCode 2 and other servers do. */
class ServerCompatibilityTest {

    private static final String PASSWORD = "compat-Pa55word";
    private static final TestedVersions TABLE = TestedVersionsTest.TABLE;

    private StubServer stub;
    private OpenCodeClient client;

    @BeforeEach
    void setUp() throws Exception {
        stub = new StubServer();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), "opencode", PASSWORD),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        client.close();
        stub.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.18.34 | TESTED                | false | runs 1.18.34: tested (tested 1.1.65 to 1.18.34, measured 2026-12-02)
            1.15.0  | UNTESTED_WITHIN_RANGE | false | runs 1.15.0: untested, within the tested range (tested
            1.19.2  | UNTESTED_NEWER        | true  | runs 1.19.2: untested, newer than the newest tested (tested
            1.0.220 | OLDER_THAN_TESTED     | true  | runs 1.0.220: older than the oldest tested (tested 1.1.65 to 1.18.34, measured 2026-12-02); lacks questions (no question tool); structured output (no StructuredOutput tool)
            1.1.65  | TESTED                | true  | runs 1.1.65: tested (tested 1.1.65 to 1.18.34, measured 2026-12-02); lacks questions (no question tool); structured output (no StructuredOutput tool)
            local   | UNPARSABLE            | true  | runs 'local', not a version number: not judged against the tested range
            """)
    void oneLinePerStanding(String version, VersionStanding standing, boolean warning, String logged) {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"" + version + "\"}");

        CompatibilityVerdict verdict = ServerCompatibility.check(client, null, TABLE);

        assertThat(verdict.standing()).isEqualTo(standing);
        assertThat(verdict.version()).isEqualTo(version);
        assertThat(verdict.deservesWarning()).isEqualTo(warning);
        assertThat(verdict.logMessage()).startsWith("OpenCode server " + stub.url() + " ").contains(logged)
                .doesNotContain(PASSWORD);
        assertThat(stub.requests()).extracting(StubServer.Recorded::path).containsExactly("/global/health");
    }

    @Test
    void theVerdictKnowsWhatAVersionLacks() {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"1.1.65\"}");

        CompatibilityVerdict verdict = ServerCompatibility.check(client, "", TABLE);

        assertThat(verdict.lacks(ServerFeature.QUESTIONS)).isTrue();
        assertThat(verdict.lacks(ServerFeature.STRUCTURED_OUTPUT)).isTrue();
        assertThat(verdict.lacks(ServerFeature.SERVER_TRANSPORT)).isFalse();
    }

    @Test
    void healthWithoutAVersionIsUnparsable() {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true}");

        CompatibilityVerdict verdict = ServerCompatibility.check(client, null, TABLE);

        assertThat(verdict.standing()).isEqualTo(VersionStanding.UNPARSABLE);
        assertThat(verdict.version()).isNull();
        assertThat(verdict.logMessage()).contains("reported no version: not judged against the tested range");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.1.65  | 1.14.0 | runs 1.1.65, below the configured minimum 1.14.0 (opencode.server.min-version, component option minServerVersion): upgrade the server or lower the minimum
            1.14.48 | 1.15   | runs 1.14.48, below the configured minimum 1.15.0
            local   | 1.14.0 | reports version 'local', which cannot be compared with the configured minimum 1.14.0
            """)
    void refusesAServerBelowTheMinimumNamingBothVersions(String version, String minimum, String message) {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"" + version + "\"}");

        assertThatThrownBy(() -> ServerCompatibility.check(client, minimum, TABLE))
                .isInstanceOfSatisfying(IncompatibleServerException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.BELOW_MINIMUM_VERSION))
                .hasMessageStartingWith("OpenCode server " + stub.url() + " ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1.14.0  | 1.14.0
            1.18.33 | 1.14
            """)
    void acceptsAServerAtOrAboveTheMinimum(String version, String minimum) {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"" + version + "\"}");

        assertThat(ServerCompatibility.check(client, minimum, TABLE).version()).isEqualTo(version);
    }

    @Test
    void aMinimumThatIsNoVersionIsAConfigurationError() {
        assertThatThrownBy(() -> ServerCompatibility.check(client, "recent", TABLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("opencode.server.min-version 'recent' is not an OpenCode version such as 1.14.0");
        assertThat(stub.requests()).isEmpty();
    }

    /** OpenCode 2: the 1.x routes are gone and unknown paths get the web app's HTML page; {@code /api/health} answers. */
    @Test
    void aVersionTwoServerWithTheHtmlFallbackIsDetected() {
        stub.answerHtml("GET", "/global/health", "<!doctype html><html><body>OpenCode</body></html>");
        stub.answer("GET", "/api/health", 200, "{\"healthy\":true}");

        assertThatThrownBy(() -> ServerCompatibility.check(client, null, TABLE))
                .isInstanceOfSatisfying(IncompatibleServerException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.DIFFERENT_API))
                .hasMessage("OpenCode server " + stub.url() + " speaks a different API: GET /global/health answered no JSON"
                        + " and GET /api/health answered {\"healthy\":true}, as OpenCode 2's /api/* contracts do."
                        + " camel-opencode speaks the OpenCode 1.x API (tested 1.1.65 to 1.18.34, measured 2026-12-02):"
                        + " point it at an OpenCode 1.x server");
        assertThat(stub.requests()).extracting(StubServer.Recorded::path).containsExactly("/global/health", "/api/health");
    }

    @Test
    void aVersionTwoServerAnswering404IsDetected() {
        stub.answer("GET", "/api/health", 200, "{\"healthy\":true}");

        assertThatThrownBy(() -> ServerCompatibility.check(client, "1.14.0", TABLE))
                .isInstanceOfSatisfying(IncompatibleServerException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.DIFFERENT_API))
                .hasMessageContaining("speaks a different API: GET /global/health answered HTTP 404 and GET /api/health answered");
    }

    @Test
    void aHealthOfAnotherShapeIsADifferentApi() {
        stub.answer("GET", "/global/health", 200, "{\"status\":\"UP\"}");

        assertThatThrownBy(() -> ServerCompatibility.check(client, null, TABLE))
                .isInstanceOfSatisfying(IncompatibleServerException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.DIFFERENT_API))
                .hasMessageStartingWith("OpenCode server " + stub.url() + " does not answer as OpenCode 1.x does: GET /global/health answered"
                        + " {\"status\":\"UP\"}, not {\"healthy\":...,\"version\":...}; GET /api/health failed too (")
                .hasMessageEndingWith(": check the server URL");
    }

    @Test
    void anUnreachableServerIsNotCheckedAndTheDispatchesFailAsBefore() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        try (OpenCodeClient nowhere = new OpenCodeClient(ServerEndpoint.of("http://127.0.0.1:" + freePort, null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)))) {
            CompatibilityVerdict verdict = ServerCompatibility.check(nowhere, "1.14.0", TABLE);

            assertThat(verdict.standing()).isEqualTo(VersionStanding.NOT_CHECKED);
            assertThat(verdict.deservesWarning()).isTrue();
            assertThat(verdict.logMessage()).startsWith("OpenCode server http://127.0.0.1:" + freePort
                    + ": version not checked (unreachable: GET /global/health to ").contains("connection refused")
                    .contains("; the minimum 1.14.0 could not be checked)");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            401 | GET /global/health answered HTTP 401: check the username and password
            503 | GET /global/health answered HTTP 503)
            """)
    void refusedCredentialsAndServerErrorsAreNotChecked(int status, String detail) {
        stub.answer("GET", "/global/health", status, "{\"name\":\"Unauthorized\",\"data\":{\"message\":\"nope\"}}");

        CompatibilityVerdict verdict = ServerCompatibility.check(client, null, TABLE);

        assertThat(verdict.standing()).isEqualTo(VersionStanding.NOT_CHECKED);
        assertThat(verdict.logMessage()).contains("version not checked (" + detail).doesNotContain(PASSWORD);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void judgeClassifiesTheCliBinarysVersionWithoutAServer() {
        CompatibilityVerdict verdict = ServerCompatibility.judge("OpenCode binary /opt/opencode", "1.3.2", null, TABLE);

        assertThat(verdict.standing()).isEqualTo(VersionStanding.UNTESTED_WITHIN_RANGE);
        assertThat(verdict.logMessage()).startsWith("OpenCode binary /opt/opencode runs 1.3.2");
        assertThatThrownBy(() -> ServerCompatibility.judge("OpenCode binary /opt/opencode", "1.3.2", "1.14", TABLE))
                .isInstanceOf(IncompatibleServerException.class).hasMessageContaining("runs 1.3.2, below the configured minimum 1.14.0");
    }
}
