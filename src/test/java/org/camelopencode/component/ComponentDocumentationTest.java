package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code src/main/docs/opencode-component.adoc} in step with the metadata camel-component-maven-plugin
 * generates ({@code META-INF/org/camelopencode/component/opencode.json}): the options and headers tables between the
 * {@code // component options: START} and {@code // component options: END} markers must be exactly what
 * {@link #renderTables(JsonNode)} makes of the JSON.
 *
 * <p>The Camel plugin has no goal that writes plain tables for a component outside Camel's own website (its
 * {@code update-readme} belongs to camel-package-maven-plugin and emits Antora includes), so this test is the
 * generator: {@code ./mvnw -q -o test -Dtest=ComponentDocumentationTest -Dopencode.docs.update=true} rewrites the
 * section, and a plain run fails while the page is stale.
 */
class ComponentDocumentationTest {

    static final Path DOCUMENT = Path.of("src/main/docs/opencode-component.adoc");
    static final String START = "// component options: START";
    static final String END = "// component options: END";

    @Test
    void optionsAndHeadersTablesMatchTheGeneratedMetadata() throws IOException {
        JsonNode metadata = metadata();
        String page = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        int start = page.indexOf(START);
        int end = page.indexOf(END);
        assertThat(start).as("the %s marker in %s", START, DOCUMENT).isNotNegative();
        assertThat(end).as("the %s marker in %s", END, DOCUMENT).isGreaterThan(start);
        String expected = renderTables(metadata);
        String current = page.substring(start + START.length(), end);
        if (Boolean.getBoolean("opencode.docs.update") && !current.equals(expected)) {
            Files.writeString(DOCUMENT, page.substring(0, start + START.length()) + expected + page.substring(end),
                    StandardCharsets.UTF_8);
            current = expected;
        }
        assertThat(current).as("the tables in %s are stale: run this test with -Dopencode.docs.update=true", DOCUMENT)
                .isEqualTo(expected);
    }

    @Test
    void everyOptionAndHeaderIsInThePage() throws IOException {
        JsonNode metadata = metadata();
        String page = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        for (String section : new String[] {"componentProperties", "properties", "headers"}) {
            assertThat(metadata.path(section).size()).as(section).isPositive();
            metadata.path(section).fieldNames().forEachRemaining(name -> assertThat(page).contains("| *" + name + "*"));
        }
    }

    private static JsonNode metadata() throws IOException {
        try (InputStream in = ComponentDocumentationTest.class.getResourceAsStream("/META-INF/org/camelopencode/component/opencode.json")) {
            assertThat(in).as("the generated opencode.json on the classpath").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    /**
     * @param metadata the component's generated JSON metadata
     * @return the AsciiDoc section: component options, endpoint path and query options, message headers
     */
    static String renderTables(JsonNode metadata) {
        StringBuilder text = new StringBuilder("\n");
        text.append("\n=== Component options\n\nThe component supports ").append(metadata.path("componentProperties").size())
                .append(" options, which are listed below.\n\n");
        optionTable(text, metadata.path("componentProperties"), null);
        text.append("\n=== Endpoint options\n\nThe endpoint is configured using URI syntax `")
                .append(metadata.path("component").path("syntax").asText()).append("` with the following path and query parameters.\n\n");
        text.append("==== Path parameters\n\n");
        optionTable(text, metadata.path("properties"), "path");
        text.append("\n==== Query parameters\n\n");
        optionTable(text, metadata.path("properties"), "parameter");
        text.append("\n=== Message headers\n\n[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Iterator<Map.Entry<String, JsonNode>> fields = metadata.path("headers").fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> header = fields.next();
            JsonNode value = header.getValue();
            text.append("| *").append(header.getKey()).append("* (").append(value.path("group").asText()).append(") | ")
                    .append(cell(literal(description(value)))).append(" | ").append(cell(value.path("defaultValue").asText(""))).append(" | ")
                    .append(cell(shortType(value.path("javaType").asText()))).append('\n');
        }
        return text.append("|===\n\n").toString();
    }

    private static void optionTable(StringBuilder text, JsonNode options, String kind) {
        text.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Iterator<Map.Entry<String, JsonNode>> fields = options.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> option = fields.next();
            JsonNode value = option.getValue();
            if (kind != null && !kind.equals(value.path("kind").asText())) {
                continue;
            }
            String label = value.path("group").asText();
            text.append("| *").append(option.getKey()).append("* (").append(label).append(") | ")
                    .append(cell(literal(description(value)) + (value.path("required").asBoolean() ? " *Required*" : "")
                            + (value.path("secret").asBoolean() ? " Secret: never logged." : "")))
                    .append(" | ").append(cell(value.path("defaultValue").asText(""))).append(" | ")
                    .append(cell(value.has("enum") ? "One of: " + String.join(", ", enumValues(value)) : value.path("type").asText()))
                    .append('\n');
        }
        text.append("|===\n");
    }

    private static java.util.List<String> enumValues(JsonNode value) {
        java.util.List<String> values = new java.util.ArrayList<>();
        value.path("enum").forEach(item -> values.add(item.asText()));
        return values;
    }

    private static String description(JsonNode value) {
        // The generator writes Javadoc's {@code x} as {code x}: show it as AsciiDoc monospace.
        return value.path("description").asText().replaceAll("\\{code ([^}]*)}", "`$1`");
    }

    /**
     * @param text a description, shown exactly: option texts are grammars and examples ({@code bash:git *=allow},
     *     {@code a|b}, {@code <project>}, {@code +}) that AsciiDoc's inline formatting would otherwise turn into bold,
     *     passthroughs or replacements
     * @return the text in an AsciiDoc passthrough that only escapes HTML's special characters
     */
    private static String literal(String text) {
        return text.isEmpty() ? "" : "pass:c[" + text.replace("]", "\\]") + "]";
    }

    private static String shortType(String javaType) {
        int dot = javaType.lastIndexOf('.');
        return dot < 0 ? javaType : javaType.substring(dot + 1);
    }

    private static String cell(String value) {
        return value.replace("|", "\\|").replace("\n", " ");
    }
}
