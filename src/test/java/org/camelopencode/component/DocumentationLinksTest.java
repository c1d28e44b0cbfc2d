package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every relative link of the README and of the pages in {@code src/main/docs} points at an existing file and, when it
 * names one, an existing anchor: Markdown {@code [text](path#anchor)} in the README, AsciiDoc {@code xref:page.adoc#id[]},
 * {@code link:path#anchor[]} and {@code <<id,text>>} in the pages. Links inside code blocks and to other sites are not
 * checked.
 *
 * <p>Anchors are computed the way the renderers make them: GitHub's for Markdown headings (lower case, punctuation but
 * {@code -} and {@code _} dropped, spaces to {@code -}, {@code -1} and on for repeats), Asciidoctor's default for section
 * titles ({@code _} prefix and separator), plus AsciiDoc's explicit {@code [#id]} and {@code [[id]]}.
 */
class DocumentationLinksTest {

    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("src/main/docs");

    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern ASCIIDOC_LINK = Pattern.compile("(?:xref|link):([^\\[\\s]+)\\[");
    private static final Pattern ASCIIDOC_CROSS_REFERENCE = Pattern.compile("<<([^,>]+)(?:,[^>]*)?>>");
    private static final Pattern ASCIIDOC_BLOCK_ID = Pattern.compile("^\\[#([\\w.:-]+)[^\\]]*]$");
    private static final Pattern ASCIIDOC_INLINE_ID = Pattern.compile("\\[\\[([^\\],]+)]]");

    @Test
    void everyRelativeLinkOfTheReadmeAndThePagesResolves() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(README));
        documents.addAll(pages());
        assertThat(pages()).as("pages in %s", DOCS).hasSizeGreaterThanOrEqualTo(6);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            for (String target : links(document)) {
                checked++;
                problem(document, target).ifPresent(reason -> broken.add(document + ": " + target + " (" + reason + ")"));
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(40);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void theReadmeLinksEveryTopicPage() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        for (Path page : pages()) {
            assertThat(readme).as("the README links %s", page).contains("(" + page.toString().replace('\\', '/'));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "The `opencode:` component|the-opencode-component",
        "Interruptions: permissions, questions and approvals|interruptions-permissions-questions-and-approvals",
        "Fleet: several OpenCode servers|fleet-several-opencode-servers",
        "Health, metrics and tracing|health-metrics-and-tracing",
        "The CLI transport (`transport=cli`)|the-cli-transport-transportcli",
        "Triggers: schedules, JMS, Kafka, pipelines|triggers-schedules-jms-kafka-pipelines",
    })
    void markdownAnchorsAreGitHubs(String heading, String anchor) {
        assertThat(markdownAnchor(heading)).isEqualTo(anchor);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Component options|_component_options",
        "The completion gate: what \"done\" means|_the_completion_gate_what_done_means",
        "events (consumer)|_events_consumer",
        "What differs from the server transport|_what_differs_from_the_server_transport",
    })
    void asciidocSectionIdsAreAsciidoctorsDefault(String title, String id) {
        assertThat(asciidocSectionId(title)).isEqualTo(id);
    }

    /** @return why the link does not resolve, or empty when it does (or is not checked: another site, mail) */
    private static java.util.Optional<String> problem(Path document, String target) {
        if (target.matches("^[a-z][a-z0-9+.-]*:.*") || target.startsWith("{")) {
            return java.util.Optional.empty();
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return java.util.Optional.of("no file " + file);
        }
        if (anchor == null || anchor.isEmpty()) {
            return java.util.Optional.empty();
        }
        Set<String> anchors = anchorsOf(file);
        return anchors.contains(anchor) ? java.util.Optional.empty()
                : java.util.Optional.of("no anchor '" + anchor + "' in " + file.getFileName());
    }

    private static List<Path> pages() throws IOException {
        try (Stream<Path> files = Files.list(DOCS)) {
            return files.filter(file -> file.toString().endsWith(".adoc")).sorted().toList();
        }
    }

    /** @return the link targets of a document outside its code blocks; AsciiDoc cross references as {@code #id} */
    static List<String> links(Path document) throws IOException {
        boolean markdown = document.toString().endsWith(".md");
        List<String> targets = new ArrayList<>();
        for (String line : proseLines(document)) {
            if (markdown) {
                Matcher link = MARKDOWN_LINK.matcher(line);
                while (link.find()) {
                    targets.add(link.group(1));
                }
                continue;
            }
            Matcher link = ASCIIDOC_LINK.matcher(line);
            while (link.find()) {
                targets.add(link.group(1));
            }
            Matcher reference = ASCIIDOC_CROSS_REFERENCE.matcher(line);
            while (reference.find()) {
                String id = reference.group(1).strip();
                targets.add(id.contains(".adoc") ? id : "#" + id);
            }
        }
        return targets;
    }

    /** @return the lines of a document that are not inside a code block ({@code ```} in Markdown, {@code ----} or {@code ....} in AsciiDoc) */
    static List<String> proseLines(Path document) {
        List<String> prose = new ArrayList<>();
        String fence = null;
        for (String line : readLines(document)) {
            String trimmed = line.strip();
            boolean delimiter = trimmed.startsWith("```") || trimmed.equals("----") || trimmed.equals("....");
            if (delimiter) {
                String kind = trimmed.startsWith("```") ? "```" : trimmed;
                if (fence == null) {
                    fence = kind;
                } else if (fence.equals(kind)) {
                    fence = null;
                }
                continue;
            }
            if (fence == null) {
                prose.add(line);
            }
        }
        return prose;
    }

    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    private static synchronized Set<String> anchorsOf(Path file) {
        return ANCHORS.computeIfAbsent(file, DocumentationLinksTest::readAnchors);
    }

    private static Set<String> readAnchors(Path file) {
        Set<String> anchors = new LinkedHashSet<>();
        boolean markdown = file.toString().endsWith(".md");
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(file)) {
            if (markdown) {
                if (line.matches("^#{1,6} .*")) {
                    String anchor = markdownAnchor(line.replaceFirst("^#{1,6} ", ""));
                    int repeat = seen.merge(anchor, 1, Integer::sum) - 1;
                    anchors.add(repeat == 0 ? anchor : anchor + "-" + repeat);
                }
                continue;
            }
            Matcher explicit = ASCIIDOC_BLOCK_ID.matcher(line.strip());
            if (explicit.matches()) {
                anchors.add(explicit.group(1));
            }
            Matcher inline = ASCIIDOC_INLINE_ID.matcher(line);
            while (inline.find()) {
                anchors.add(inline.group(1));
            }
            if (line.matches("^={2,6} .*")) {
                anchors.add(asciidocSectionId(line.replaceFirst("^={2,6} ", "")));
            }
        }
        return anchors;
    }

    /** @return GitHub's anchor of a Markdown heading */
    static String markdownAnchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /**
     * @return Asciidoctor's default id of a section title (idprefix and idseparator {@code _}): the title without its
     *     inline markup, lower case, every character but letters, digits, {@code _}, {@code -}, {@code .} and spaces
     *     removed, runs of spaces made one {@code _}, a trailing {@code _} dropped
     */
    static String asciidocSectionId(String title) {
        String text = title.strip().replace("`", "").replaceAll("<[^>]+>", "").replaceAll("&#?\\w+;", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_ .-]", "");
        String id = "_" + text.replaceAll(" +", "_");
        return id.endsWith("_") ? id.substring(0, id.length() - 1) : id;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
