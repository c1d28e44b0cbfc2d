package org.camelopencode.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenCodeConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void defaultsDisableAutoupdateAndSharing() throws Exception {
        JsonNode config = MAPPER.readTree(new OpenCodeConfig().toJson());

        assertThat(config.path("autoupdate").asBoolean(true)).isFalse();
        assertThat(config.path("share").asText()).isEqualTo("disabled");
    }

    @Test
    void scriptedProviderModelsAndPermissions() throws Exception {
        JsonNode config = MAPPER.readTree(new OpenCodeConfig()
                .scriptedProvider("mock", URI.create("http://127.0.0.1:9/v1"), "echo", "fallback")
                .model("mock/echo").smallModel("mock/fallback")
                .permission("bash", "ask").permissions(Map.of("edit", "deny"))
                .raw("username", MAPPER.getNodeFactory().textNode("tester"))
                .toJson());

        JsonNode provider = config.path("provider").path("mock");
        assertThat(provider.path("npm").asText()).isEqualTo("@ai-sdk/openai-compatible");
        assertThat(provider.path("options").path("baseURL").asText()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(provider.path("models").has("echo")).isTrue();
        assertThat(provider.path("models").has("fallback")).isTrue();
        assertThat(config.path("model").asText()).isEqualTo("mock/echo");
        assertThat(config.path("small_model").asText()).isEqualTo("mock/fallback");
        assertThat(config.path("permission").path("bash").asText()).isEqualTo("ask");
        assertThat(config.path("permission").path("edit").asText()).isEqualTo("deny");
        assertThat(config.path("username").asText()).isEqualTo("tester");
    }

    @Test
    void rejectsBadModelsActionsAndMissingModelIds() {
        OpenCodeConfig config = new OpenCodeConfig();
        assertThatThrownBy(() -> config.model("no-slash")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provider/model");
        assertThatThrownBy(() -> config.permission("bash", "maybe")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ask, allow or deny");
        assertThatThrownBy(() -> config.scriptedProvider("p", URI.create("http://127.0.0.1:9/v1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringHidesProviderOptions() {
        String text = new OpenCodeConfig().scriptedProvider("mock", URI.create("http://127.0.0.1:9/v1"), "echo").toString();

        assertThat(text).contains("provider").doesNotContain("apiKey").doesNotContain("scripted\"");
    }
}
