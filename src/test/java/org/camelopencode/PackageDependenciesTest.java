package org.camelopencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure as the imports of {@code src/main/java} show it (the view a structure tool draws): no package
 * cycle, and the layers DESIGN.md names: nothing below {@code component} and {@code runner} imports Camel.
 */
class PackageDependenciesTest {

    private static final String ROOT = "org.camelopencode";
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** Packages allowed to use Camel's API: the component, the runner and the Camel-side observability. */
    private static final Set<String> CAMEL_AWARE = Set.of("component", "runner", "observe");
    /** Camel's dependency-free utilities ({@code camel-util}: Camel's duration syntax) may be used anywhere. */
    private static final String CAMEL_UTILITIES = "org.apache.camel.util.";

    private static Map<String, Set<String>> dependencies;
    private static Map<String, Set<String>> camelImports;

    @BeforeAll
    static void readImports() throws IOException {
        dependencies = new TreeMap<>();
        camelImports = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(PackageDependenciesTest::read);
        }
    }

    private static void read(Path file) {
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher declared = PACKAGE.matcher(source);
        if (!declared.find() || !declared.group(1).startsWith(ROOT + ".")) {
            return;
        }
        String from = topLevel(declared.group(1));
        Set<String> to = dependencies.computeIfAbsent(from, key -> new TreeSet<>());
        Matcher imported = IMPORT.matcher(source);
        while (imported.find()) {
            String name = imported.group(1);
            if (name.startsWith(ROOT + ".")) {
                String target = topLevel(name);
                if (!target.equals(from)) {
                    to.add(target);
                }
            } else if (name.startsWith("org.apache.camel.") && !name.startsWith(CAMEL_UTILITIES)) {
                camelImports.computeIfAbsent(from, key -> new TreeSet<>()).add(file.getFileName() + " imports " + name);
            }
        }
    }

    /** {@code org.camelopencode.client.sse.Frame} -> {@code client}: sub-packages count as their top-level package. */
    private static String topLevel(String name) {
        String rest = name.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    @Test
    void theImportsWereRead() {
        assertThat(dependencies).containsKeys("client", "dispatch", "failure", "component", "runner");
        assertThat(dependencies.get("component")).contains("dispatch", "client");
    }

    @Test
    void noPackageCycle() {
        List<List<String>> cycles = stronglyConnectedComponents(dependencies).stream().filter(group -> group.size() > 1).toList();
        assertThat(cycles).as("package cycles among %s", dependencies).isEmpty();
    }

    @Test
    void onlyTheCamelLayerImportsCamel() {
        Map<String, Set<String>> outside = new TreeMap<>(camelImports);
        outside.keySet().removeAll(CAMEL_AWARE);
        assertThat(outside).as("packages below the component importing org.apache.camel").isEmpty();
        assertThat(camelImports).containsKey("component");
    }

    /** Tarjan's algorithm; each returned group is one strongly connected component (a cycle when larger than one). */
    static List<List<String>> stronglyConnectedComponents(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> lowLink = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> groups = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, lowLink, stack, onStack, groups, counter);
            }
        }
        return groups;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> lowLink, Deque<String> stack, Set<String> onStack, List<List<String>> groups, int[] counter) {
        index.put(node, counter[0]);
        lowLink.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, lowLink, stack, onStack, groups, counter);
                lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
            } else if (onStack.contains(next)) {
                lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
            }
        }
        if (lowLink.get(node).equals(index.get(node))) {
            List<String> group = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                group.add(member);
            } while (!member.equals(node));
            groups.add(group);
        }
    }

    @Test
    void aCycleIsFoundWhereThereIsOne() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(stronglyConnectedComponents(graph)).filteredOn(group -> group.size() > 1).singleElement()
                .satisfies(group -> assertThat(group).containsExactlyInAnyOrder("a", "b", "c"));
    }
}
