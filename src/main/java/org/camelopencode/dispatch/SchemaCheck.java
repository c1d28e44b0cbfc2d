package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task's JSON Schema, checked and compiled once, that tells whether a reply matches it. Uses the
 * networknt validator with the dialect the schema names in {@code $schema} (draft-04, -06, -07,
 * 2019-09, 2020-12), else 2020-12.
 *
 * <p>Nothing is fetched from the network: the dialects' meta-schemas come from the validator's jar,
 * and a {@code $ref} to anything else than a {@code #} pointer inside the schema makes the schema
 * invalid. Instances are immutable and thread-safe.
 */
public final class SchemaCheck {

    /** How many violations a reason lists before "and N more". */
    static final int VIOLATIONS_SHOWN = 3;

    private static final Map<SpecVersion.VersionFlag, JsonSchemaFactory> FACTORIES = new ConcurrentHashMap<>();

    private final JsonSchema schema;

    private SchemaCheck(JsonSchema schema) {
        this.schema = schema;
    }

    /**
     * @param schema a JSON Schema object, as sent with {@code format: {type: json_schema}}
     * @return the compiled check
     * @throws IllegalArgumentException when the schema is not an object, names an unknown
     *     {@code $schema} dialect, breaks its dialect's meta-schema (message lists the first
     *     problems, for example {@code $.type: does not have a value in the enumeration [...]}) or
     *     refers to a remote schema
     */
    public static SchemaCheck compile(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("the schema must be a JSON object, got "
                    + (schema == null ? "nothing" : schema.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        SpecVersion.VersionFlag version = dialectOf(schema);
        JsonSchemaFactory factory = FACTORIES.computeIfAbsent(version, SchemaCheck::offlineFactory);
        try {
            List<String> problems = messages(factory.getSchema(SchemaLocation.of(metaSchemaIri(version))).validate(schema));
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("the schema is not a valid JSON Schema: " + summary(problems));
            }
            JsonSchema compiled = factory.getSchema(schema);
            compiled.initializeValidators();
            return new SchemaCheck(compiled);
        } catch (JsonSchemaException | IllegalStateException | UnsupportedOperationException broken) {
            throw new IllegalArgumentException("the schema is not a valid JSON Schema: " + broken.getMessage(), broken);
        }
    }

    /**
     * @param value the reply's JSON (parsed text or {@code info.structured})
     * @return the validator's messages, for example {@code "$.answer: string found, integer expected"};
     *     empty when the value matches
     */
    public List<String> violations(JsonNode value) {
        return messages(schema.validate(value));
    }

    /**
     * @param violations messages from {@link #violations(JsonNode)}, not empty
     * @return the first few joined with {@code "; "}, plus {@code " (and N more)"} when there are more
     */
    public static String summary(List<String> violations) {
        String shown = String.join("; ", violations.subList(0, Math.min(VIOLATIONS_SHOWN, violations.size())));
        int more = violations.size() - VIOLATIONS_SHOWN;
        return more > 0 ? shown + " (and " + more + " more)" : shown;
    }

    private static SpecVersion.VersionFlag dialectOf(JsonNode schema) {
        JsonNode declared = schema.get("$schema");
        if (declared == null || declared.isNull()) {
            return SpecVersion.VersionFlag.V202012;
        }
        Optional<SpecVersion.VersionFlag> known = declared.isTextual()
                ? SpecVersionDetector.detectOptionalVersion(schema, false) : Optional.empty();
        return known.orElseThrow(() -> new IllegalArgumentException("the schema's $schema " + declared
                + " is not a dialect the validator knows (draft-04, draft-06, draft-07, 2019-09, 2020-12)"));
    }

    private static String metaSchemaIri(SpecVersion.VersionFlag version) {
        return switch (version) {
            case V4 -> JsonMetaSchema.getV4().getIri();
            case V6 -> JsonMetaSchema.getV6().getIri();
            case V7 -> JsonMetaSchema.getV7().getIri();
            case V201909 -> JsonMetaSchema.getV201909().getIri();
            case V202012 -> JsonMetaSchema.getV202012().getIri();
        };
    }

    /** Meta-schemas load from the classpath ({@code classpath:draft/...}); nothing else is fetched. */
    private static JsonSchemaFactory offlineFactory(SpecVersion.VersionFlag version) {
        return JsonSchemaFactory.getInstance(version, builder -> builder.schemaLoaders(loaders -> loaders.add(
                new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));
    }

    private static List<String> messages(java.util.Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).toList();
    }
}
