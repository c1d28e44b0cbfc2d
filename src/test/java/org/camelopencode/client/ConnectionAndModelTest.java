package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConnectionAndModelTest {

    private static final String PASSWORD = "top-Secret-42";

    @Test
    void endpointDefaultsAndAuthHeader() {
        ServerEndpoint endpoint = ServerEndpoint.of("http://127.0.0.1:4096/", " ", PASSWORD);

        assertThat(endpoint.baseUri().toString()).isEqualTo("http://127.0.0.1:4096");
        assertThat(endpoint.username()).isEqualTo("opencode");
        assertThat(endpoint.hasPassword()).isTrue();
        assertThat(endpoint.port()).isEqualTo(4096);
        assertThat(endpoint.resolve("/session/status").toString()).isEqualTo("http://127.0.0.1:4096/session/status");
        String decoded = new String(Base64.getDecoder().decode(endpoint.authorizationHeader().orElseThrow().substring(6)),
                StandardCharsets.UTF_8);
        assertThat(decoded).isEqualTo("opencode:" + PASSWORD);
        assertThat(endpoint.toString()).contains("http://127.0.0.1:4096", "opencode").doesNotContain(PASSWORD);
    }

    @Test
    void endpointWithoutPassword() {
        ServerEndpoint endpoint = ServerEndpoint.of("http://127.0.0.1:80", "bob", null);

        assertThat(endpoint.hasPassword()).isFalse();
        assertThat(endpoint.authorizationHeader()).isEmpty();
        assertThat(endpoint.username()).isEqualTo("bob");
    }

    @Test
    void userInfoInUrlIsRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> ServerEndpoint.of("http://u:" + PASSWORD + "@127.0.0.1:4096", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user-info")
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain(PASSWORD));
        assertThatThrownBy(() -> ServerEndpoint.of("http://u:" + PASSWORD + "@127.0.0.1:40 96", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(error -> assertThat(error.getMessage()).doesNotContain(PASSWORD));
        assertThatThrownBy(() -> ServerEndpoint.of("ftp://127.0.0.1", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerEndpoint.of(" ", null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsDefaultsAndValidation() {
        assertThat(ClientOptions.defaults()).isEqualTo(new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThat(EventStreamOptions.defaults())
                .isEqualTo(new EventStreamOptions(Duration.ofSeconds(25), Duration.ofMillis(250), Duration.ofSeconds(10)));
        assertThatThrownBy(() -> new ClientOptions(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventStreamOptions(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modelReferenceSplitsAtTheFirstSlash() {
        ModelReference reference = ModelReference.parse("openrouter/anthropic/claude");

        assertThat(reference.providerId()).isEqualTo("openrouter");
        assertThat(reference.modelId()).isEqualTo("anthropic/claude");
        assertThat(reference).hasToString("openrouter/anthropic/claude");
        for (String bad : new String[] {"noslash", "/model", "provider/", "", null}) {
            assertThatThrownBy(() -> ModelReference.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("provider/model");
        }
    }

    @Test
    void promptRequestSerializesOnlySetFields() throws Exception {
        String json = OpenCodeJson.mapper().writeValueAsString(PromptRequest.text("hello").withModel(ModelReference.parse("mock/echo")));

        assertThat(json).isEqualTo("{\"parts\":[{\"type\":\"text\",\"text\":\"hello\"}],\"model\":{\"providerID\":\"mock\",\"modelID\":\"echo\"}}");
    }

    @Test
    void permissionReplyIsLowerCase() throws Exception {
        assertThat(OpenCodeJson.mapper().writeValueAsString(PermissionReply.ALWAYS)).isEqualTo("\"always\"");
    }

    @Test
    void sessionStatusHelpers() {
        assertThat(SessionStatus.idle().isIdle()).isTrue();
        assertThat(SessionStatus.idle().isBusy()).isFalse();
        assertThat(new SessionStatus("busy", null, null, null).isBusy()).isTrue();
    }

    @Test
    void messageErrorAccessorsTolerateMissingData() throws Exception {
        MessageError bare = new MessageError("MessageOutputLengthError", null);
        assertThat(bare.message()).isEqualTo("MessageOutputLengthError");
        assertThat(bare.statusCode()).isNull();
        assertThat(bare.isRetryable()).isFalse();
        assertThat(bare.responseHeaders()).isEmpty();
        assertThat(bare.responseBody()).isNull();

        JsonNode data = OpenCodeJson.mapper().readTree("{\"message\":\"Too many requests\",\"statusCode\":429,\"isRetryable\":true,"
                + "\"responseHeaders\":{\"retry-after\":\"3\"}}");
        MessageError rateLimited = new MessageError("APIError", data);
        assertThat(rateLimited.statusCode()).isEqualTo(429);
        assertThat(rateLimited.isRetryable()).isTrue();
        assertThat(rateLimited.responseHeaders()).containsEntry("retry-after", "3");
    }
}
