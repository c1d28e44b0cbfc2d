package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.failure.FailureKind;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The shipped route files ({@code routes/*.yaml}) against the code and settings they name: the playbook has one
 * clause for every {@link FailureKind}, every {@code CamelOpenCode*} / {@code OpenCode*} name they use is a documented
 * constant, and every placeholder is a template parameter or a key of {@code application.properties}, with no default
 * of its own.
 */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Pattern KIND_EQUALS = Pattern.compile("\\$\\{exception\\.kindName} == '([a-z_]+)'");
    private static final Pattern KIND_IN = Pattern.compile("\\$\\{exception\\.kindName} in '([a-z_,]+)'");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");
    /** A header or property the routes read ({@code ${header.X}}, {@code ${exchangeProperty.X}}) or set ({@code name: X}). */
    private static final Pattern OUR_NAME = Pattern.compile("(?:exchangeProperty\\.|header\\.|name: )((?:Camel)?OpenCode[A-Za-z]+)");

    private static Object load(Path file) throws IOException {
        return new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> playbookClauses() throws IOException {
        List<Object> documents = (List<Object>) load(ROUTES.resolve("playbook.yaml"));
        for (Object document : documents) {
            Map<String, Object> entry = (Map<String, Object>) document;
            if (entry.containsKey("routeConfiguration")) {
                Map<String, Object> configuration = (Map<String, Object>) entry.get("routeConfiguration");
                assertThat(configuration.get("id")).isEqualTo("opencode-playbook");
                List<Map<String, Object>> clauses = new ArrayList<>();
                for (Object clause : (List<Object>) configuration.get("onException")) {
                    clauses.add((Map<String, Object>) ((Map<String, Object>) clause).get("onException"));
                }
                return clauses;
            }
        }
        throw new AssertionError("routes/playbook.yaml has no routeConfiguration");
    }

    /** @return the failure kinds a clause's onWhen names, empty for a clause without onWhen */
    @SuppressWarnings("unchecked")
    private static List<String> kindsOf(Map<String, Object> clause) {
        Map<String, Object> onWhen = (Map<String, Object>) clause.get("onWhen");
        if (onWhen == null) {
            return List.of();
        }
        String simple = (String) onWhen.get("simple");
        Matcher equals = KIND_EQUALS.matcher(simple);
        if (equals.matches()) {
            return List.of(equals.group(1));
        }
        Matcher in = KIND_IN.matcher(simple);
        assertThat(in.matches()).as("onWhen '%s' names kinds with == or in", simple).isTrue();
        return List.of(in.group(1).split(","));
    }

    @Test
    void thePlaybookHasExactlyOneClauseForEveryFailureKind() throws IOException {
        Map<String, Integer> clausesPerKind = new LinkedHashMap<>();
        for (Map<String, Object> clause : playbookClauses()) {
            for (String kind : kindsOf(clause)) {
                assertThat(FailureKind.fromWireName(kind)).as("playbook kind '%s' is a FailureKind", kind).isPresent();
                clausesPerKind.merge(kind, 1, Integer::sum);
            }
        }

        for (FailureKind kind : FailureKind.values()) {
            assertThat(clausesPerKind.get(kind.wireName())).as("clauses for %s", kind.wireName()).isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRetriedClauseReadsItsOwnKindsAllowanceAndTheLastClauseCatchesTheRest() throws IOException {
        List<Map<String, Object>> clauses = playbookClauses();
        for (Map<String, Object> clause : clauses) {
            String retryWhile = clause.get("retryWhile") == null ? null
                    : (String) ((Map<String, Object>) clause.get("retryWhile")).get("simple");
            if (retryWhile != null) {
                assertThat(kindsOf(clause)).hasSize(1);
                assertThat(retryWhile).contains("{{opencode.retry." + kindsOf(clause).get(0) + ".max}}");
            }
            assertThat(clause.get("useOriginalMessage")).as("a dead letter gets the task as it came in").isEqualTo(true);
        }
        Map<String, Object> last = clauses.get(clauses.size() - 1);
        assertThat(kindsOf(last)).isEmpty();
        assertThat((List<String>) last.get("exception")).containsExactly("java.lang.Exception");
    }

    @Test
    void everyRunnerNameTheRoutesUseIsADocumentedConstant() throws IOException {
        Set<String> documented = new HashSet<>(constantValues(RunnerConstants.class));
        documented.addAll(constantValues(OpenCodeConstants.class));
        Set<String> used = new HashSet<>();
        for (Path file : routeFiles()) {
            Matcher name = OUR_NAME.matcher(Files.readString(file));
            while (name.find()) {
                assertThat(documented).as("%s uses %s", file, name.group(1)).contains(name.group(1));
                used.add(name.group(1));
            }
        }
        assertThat(used).contains(RunnerConstants.DEAD_LETTER_ROUTE, RunnerConstants.APPROVAL_ERROR, OpenCodeConstants.TASK_NAME);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPlaceholderIsATemplateParameterOrAKeyOfApplicationPropertiesWithoutADefaultOfItsOwn() throws IOException {
        Properties settings = new Properties();
        settings.load(new StringReader(Files.readString(Path.of("application.properties"))));
        Set<String> parameters = new HashSet<>();
        for (Object document : (List<Object>) load(ROUTES.resolve("templates.yaml"))) {
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) document).get("routeTemplate");
            if (template != null) {
                for (Object parameter : (List<Object>) template.get("parameters")) {
                    parameters.add((String) ((Map<String, Object>) parameter).get("name"));
                }
            }
        }
        assertThat(parameters).contains("from", "results", "deadLetter", "steps", "concurrency", "autoStartup", "to");
        for (Path file : routeFiles()) {
            Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
            while (placeholder.find()) {
                String key = placeholder.group(1);
                assertThat(key).as("%s: {{%s}} states no default of its own", file, key).doesNotContain(":");
                if (!parameters.contains(key)) {
                    assertThat(settings.stringPropertyNames()).as("%s: {{%s}}", file, key).contains(key);
                }
            }
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            List<Path> yaml = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).isNotEmpty();
            return yaml;
        }
    }

    private static List<String> constantValues(Class<?> constants) {
        return Arrays.stream(constants.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(RouteFilesTest::value).toList();
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException unreadable) {
            throw new AssertionError(field + " is not readable", unreadable);
        }
    }
}
