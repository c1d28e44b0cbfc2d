package org.camelopencode.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the OpenCode configuration JSON passed in {@code OPENCODE_CONFIG_CONTENT}. Starts with network-free
 * defaults: {@code "autoupdate": false} and {@code "share": "disabled"}. Not thread-safe.
 */
public final class OpenCodeConfig {

    /** The AI SDK package OpenCode bundles for OpenAI-compatible endpoints (no download needed). */
    public static final String OPENAI_COMPATIBLE_PACKAGE = "@ai-sdk/openai-compatible";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ObjectNode root = MAPPER.createObjectNode();

    /** A configuration with the network-free defaults only. */
    public OpenCodeConfig() {
        root.put("$schema", "https://opencode.ai/config.json");
        root.put("autoupdate", false);
        root.put("share", "disabled");
    }

    /**
     * Adds an OpenAI-compatible provider, e.g. one backed by {@code org.camelopencode.testkit.ScriptedModelServer}:
     * {@code "provider": {id: {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": baseUri, "apiKey": "scripted"},
     * "models": {modelId: {}}}}}.
     *
     * @param providerId the provider id used in {@code providerId/modelId}
     * @param baseUri    the OpenAI base URL ending in {@code /v1}
     * @param modelIds   at least one model id
     * @return this
     */
    public OpenCodeConfig scriptedProvider(String providerId, URI baseUri, String... modelIds) {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(baseUri, "baseUri");
        if (modelIds.length == 0) {
            throw new IllegalArgumentException("scriptedProvider needs at least one model id");
        }
        ObjectNode provider = root.withObjectProperty("provider").putObject(providerId);
        provider.put("npm", OPENAI_COMPATIBLE_PACKAGE).put("name", providerId);
        provider.putObject("options").put("baseURL", baseUri.toString()).put("apiKey", "scripted");
        ObjectNode models = provider.putObject("models");
        for (String modelId : modelIds) {
            models.putObject(Objects.requireNonNull(modelId, "modelId")).put("name", modelId);
        }
        return this;
    }

    /** @param providerSlashModel default model, {@code provider/model}; @return this */
    public OpenCodeConfig model(String providerSlashModel) {
        root.put("model", requireProviderSlashModel(providerSlashModel));
        return this;
    }

    /** @param providerSlashModel model for small tasks such as titles, {@code provider/model}; @return this */
    public OpenCodeConfig smallModel(String providerSlashModel) {
        root.put("small_model", requireProviderSlashModel(providerSlashModel));
        return this;
    }

    /**
     * @param permission a tool permission key such as {@code bash}, {@code edit}, {@code webfetch}
     * @param action     {@code ask}, {@code allow} or {@code deny}
     * @return this
     */
    public OpenCodeConfig permission(String permission, String action) {
        Objects.requireNonNull(permission, "permission");
        if (!action.equals("ask") && !action.equals("allow") && !action.equals("deny")) {
            throw new IllegalArgumentException("permission action must be ask, allow or deny, got '" + action + "'");
        }
        root.withObjectProperty("permission").put(permission, action);
        return this;
    }

    /** @param permissions permission key to action ({@code ask}|{@code allow}|{@code deny}); @return this */
    public OpenCodeConfig permissions(Map<String, String> permissions) {
        permissions.forEach(this::permission);
        return this;
    }

    /** @param key top-level config key; @param value its value, replacing any earlier one; @return this */
    public OpenCodeConfig raw(String key, JsonNode value) {
        root.set(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** @return the configuration as compact JSON */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Lists the top-level keys only: provider options may hold API keys. */
    @Override
    public String toString() {
        return "OpenCodeConfig" + iterableToString(root.fieldNames());
    }

    private static String iterableToString(java.util.Iterator<String> names) {
        StringBuilder text = new StringBuilder("[");
        names.forEachRemaining(name -> text.append(text.length() > 1 ? ", " : "").append(name));
        return text.append(']').toString();
    }

    private static String requireProviderSlashModel(String value) {
        Objects.requireNonNull(value, "model");
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new IllegalArgumentException("model must be 'provider/model', got '" + value + "'");
        }
        return value;
    }
}
