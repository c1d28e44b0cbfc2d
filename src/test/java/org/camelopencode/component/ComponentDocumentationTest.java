package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Endpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.interaction.PermissionPolicy;
import org.camelopencode.interaction.QuestionPolicy;
import org.camelopencode.runner.RunnerConstants;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

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
 *
 * <p>The examples of the pages in {@code src/main/docs} and of the README are checked against the code too: every
 * YAML block parses, every {@code opencode:} endpoint of a Java or YAML example resolves with its options (Camel
 * refuses unknown options and values it cannot convert), its policies parse, every
 * {@code camel.component.opencode.*} property names a component option, and every {@code CamelOpenCode*} name is a
 * header or a documented exchange property.
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

    @Test
    void everyYamlExampleParses() throws IOException {
        int parsed = 0;
        for (Path document : documents()) {
            for (String block : codeBlocks(document, "yaml")) {
                try {
                    new Load(LoadSettings.builder().build()).loadAllFromString(block).forEach(ignored -> { });
                } catch (RuntimeException malformed) {
                    throw new AssertionError(document + ": a YAML example does not parse: " + malformed.getMessage() + "\n" + block);
                }
                parsed++;
            }
        }
        assertThat(parsed).as("YAML examples").isGreaterThanOrEqualTo(15);
    }

    @Test
    void everyExampleEndpointResolvesWithItsOptions() throws Exception {
        List<String> uris = new ArrayList<>();
        for (Path document : documents()) {
            codeBlocks(document, "java").forEach(block -> uris.addAll(javaEndpoints(block)));
            for (String block : codeBlocks(document, "yaml")) {
                new Load(LoadSettings.builder().build()).loadAllFromString(block).forEach(tree -> yamlEndpoints(tree, uris));
            }
        }
        assertThat(uris).as("opencode: endpoints in the examples").hasSizeGreaterThan(30);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            for (String uri : uris) {
                Endpoint endpoint;
                try {
                    endpoint = context.getEndpoint(uri);
                } catch (RuntimeException refused) {
                    throw new AssertionError("the example endpoint " + uri + " does not resolve: " + refused.getMessage(), refused);
                }
                assertThat(endpoint).as(uri).isInstanceOf(OpenCodeEndpoint.class);
                InteractionConfiguration configuration = ((OpenCodeEndpoint) endpoint).getInteractionConfiguration();
                PermissionPolicy.parse(configuration.getPermissionPolicy());
                QuestionPolicy.parse(configuration.getQuestionPolicy());
            }
        }
    }

    @Test
    void everyPolicyExampleOfTheInterruptionsPageParses() throws IOException {
        String page = Files.readString(DOCUMENT.resolveSibling("opencode-interruptions.adoc"), StandardCharsets.UTF_8);
        Matcher example = Pattern.compile("^Example: `\\+?([^`+]+)\\+?`", Pattern.MULTILINE).matcher(page);
        assertThat(example.find()).as("the permission policy example").isTrue();
        assertThat(PermissionPolicy.parse(example.group(1)).rules()).hasSizeGreaterThan(1);
        assertThat(example.find()).as("the question policy example").isTrue();
        assertThat(QuestionPolicy.parse(example.group(1)).rules()).hasSizeGreaterThan(1);
    }

    @Test
    void everyComponentPropertyOfTheExamplesIsAComponentOption() throws IOException {
        JsonNode options = metadata().path("componentProperties");
        Pattern property = Pattern.compile("^camel\\.component\\.opencode\\.([\\w-]+)\\s*=", Pattern.MULTILINE);
        int checked = 0;
        for (Path document : documents()) {
            for (String block : codeBlocks(document, "properties")) {
                Matcher key = property.matcher(block);
                while (key.find()) {
                    assertThat(options.has(key.group(1))).as("%s: camel.component.opencode.%s is a component option", document,
                            key.group(1)).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).as("component properties in the examples").isPositive();
    }

    @Test
    void everyCamelOpenCodeNameIsAHeaderOrAnExchangeProperty() throws Exception {
        Set<String> known = new HashSet<>();
        metadata().path("headers").fieldNames().forEachRemaining(known::add);
        known.add(AttemptHistory.PROPERTY);
        known.add(AttemptHistory.EARLIER_PROPERTY);
        for (Field field : RunnerConstants.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                known.add((String) field.get(null));
            }
        }
        Pattern name = Pattern.compile("CamelOpenCode\\w+");
        for (Path document : documents()) {
            Matcher found = name.matcher(Files.readString(document, StandardCharsets.UTF_8));
            while (found.find()) {
                assertThat(known).as("%s names %s", document, found.group()).contains(found.group());
            }
        }
    }

    /** @return the README and every page of {@code src/main/docs} */
    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> pages = Files.list(DOCUMENT.getParent())) {
            pages.filter(page -> page.toString().endsWith(".adoc")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /**
     * @param document a Markdown or AsciiDoc file
     * @param language {@code java}, {@code yaml}, {@code properties}
     * @return the code blocks in that language: Markdown {@code ```yaml} fences, AsciiDoc {@code [source,yaml]} blocks
     */
    static List<String> codeBlocks(Path document, String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        List<String> lines = Files.readAllLines(document, StandardCharsets.UTF_8);
        boolean markdown = document.toString().endsWith(".md");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            boolean opens = markdown ? line.equals("```" + language)
                    : line.equals("[source," + language + "]") && i + 1 < lines.size() && lines.get(i + 1).strip().equals("----");
            if (!opens) {
                continue;
            }
            String close = markdown ? "```" : "----";
            int first = markdown ? i + 1 : i + 2;
            int end = first;
            while (end < lines.size() && !lines.get(end).strip().equals(close)) {
                end++;
            }
            blocks.add(String.join("\n", lines.subList(first, end)));
            i = end;
        }
        return blocks;
    }

    /** @return the {@code opencode:} URIs of a Java example: string literals, adjacent {@code "a" + "b"} joined */
    static List<String> javaEndpoints(String block) {
        String joined = block.replaceAll("\"\\s*\\+\\s*\"", "");
        List<String> uris = new ArrayList<>();
        Matcher literal = Pattern.compile("\"(opencode:[^\"]*)\"").matcher(joined);
        while (literal.find()) {
            uris.add(literal.group(1));
        }
        return uris;
    }

    /** Adds the {@code opencode:} URIs of a YAML tree: string values, and {@code uri} with its {@code parameters}. */
    @SuppressWarnings("unchecked")
    static void yamlEndpoints(Object tree, List<String> uris) {
        if (tree instanceof Map<?, ?> map) {
            Object uri = map.get("uri");
            if (uri instanceof String text && text.startsWith("opencode:")) {
                StringBuilder withParameters = new StringBuilder(text);
                if (map.get("parameters") instanceof Map<?, ?> parameters) {
                    for (Map.Entry<?, ?> parameter : parameters.entrySet()) {
                        withParameters.append(withParameters.indexOf("?") < 0 ? '?' : '&').append(parameter.getKey())
                                .append("=RAW(").append(parameter.getValue()).append(')');
                    }
                }
                uris.add(withParameters.toString());
            }
            map.forEach((key, value) -> {
                if (!"uri".equals(key)) {
                    yamlEndpoints(value, uris);
                }
            });
        } else if (tree instanceof List<?> list) {
            list.forEach(item -> yamlEndpoints(item, uris));
        } else if (tree instanceof String text && text.startsWith("opencode:")) {
            uris.add(text);
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
