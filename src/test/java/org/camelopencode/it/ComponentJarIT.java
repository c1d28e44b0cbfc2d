package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testsupport.BuildOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jars (after {@code package}) hold the tooling metadata camel-component-maven-plugin generates: the
 * component JSON, the component and endpoint configurers, the URI factory and the service files Camel resolves them
 * through. Checked in both the component jar ({@code camel-opencode-<version>.jar}, what a Camel application or
 * {@code camel run --dep} adds) and the runnable runner jar.
 *
 * <p>And the component artifact is lean: a throw-away Maven project that depends on it (plus the Camel runtime any Camel
 * application has: {@code camel-core-engine}, {@code camel-core-languages}) is resolved with this build's Maven wrapper, its dependency tree is printed in the
 * build output and the component's branch of it must hold none of the runner's libraries, and a small Camel application run on exactly that
 * classpath dispatches a prompt to a real {@code opencode serve}, so a class that needs an optional library to load
 * fails here.
 */
class ComponentJarIT {

    private static final Path RUNNER_JAR = Path.of(System.getProperty("runner.jar", "target/camel-opencode-runner.jar")).toAbsolutePath();

    /** Every generated file Camel tooling and the runtime look up. */
    static final List<String> GENERATED = List.of(
            "META-INF/org/camelopencode/component/opencode.json",
            "META-INF/services/org/apache/camel/component/opencode",
            "META-INF/services/org/apache/camel/configurer/opencode-component",
            "META-INF/services/org/apache/camel/configurer/opencode-endpoint",
            "META-INF/services/org/apache/camel/urifactory/opencode-endpoint",
            "org/camelopencode/component/OpenCodeComponentConfigurer.class",
            "org/camelopencode/component/OpenCodeEndpointConfigurer.class",
            "org/camelopencode/component/OpenCodeEndpointUriFactory.class");

    /**
     * The runner's libraries (optional in the pom), as {@code groupId:} or {@code groupId:artifactId} prefixes of the
     * resolved artifacts: the JMS API and the Artemis broker, Kafka, Quartz, H2, Flyway, PostgreSQL, OpenTelemetry,
     * Micrometer/Prometheus, the platform-http server (Vert.x), logback, camel-main and the YAML DSL with the Camel
     * components the runner's routes use.
     */
    static final List<String> RUNNER_ONLY = List.of("jakarta.jms:", "org.apache.activemq:", "org.apache.kafka:",
            "org.quartz-scheduler:", "com.h2database:", "org.flywaydb:", "org.postgresql:", "io.opentelemetry:",
            "io.micrometer:", "io.prometheus:", "io.vertx:", "ch.qos.logback:", "org.apache.camel:camel-main",
            "org.apache.camel:camel-yaml-dsl", "org.apache.camel:camel-jms", "org.apache.camel:camel-kafka",
            "org.apache.camel:camel-quartz", "org.apache.camel:camel-master", "org.apache.camel:camel-platform-http",
            "org.apache.camel:camel-micrometer", "org.apache.camel:camel-opentelemetry", "org.apache.camel:camel-file",
            "org.apache.camel:camel-bean", "org.apache.camel:camel-log", "org.apache.camel:camel-direct",
            "org.apache.camel:camel-seda", "org.apache.camel:camel-timer");

    private static final Pattern ARTIFACT = Pattern.compile("([\\w.\\-]+:[\\w.\\-]+):jar:");

    @TempDir
    Path temporary;

    @Test
    void componentJarHoldsTheGeneratedMetadataAndConfigurers() throws IOException {
        assertGenerated(componentJar());
    }

    @Test
    void runnerJarHoldsTheGeneratedMetadataAndConfigurers() throws IOException {
        assertThat(RUNNER_JAR).exists();
        assertGenerated(RUNNER_JAR);
    }

    @Test
    void aCamelApplicationDependingOnTheComponentGetsNoRunnerLibraryAndDispatchesOnThatClasspath() throws Exception {
        Path project = userProject();

        String tree = Files.readString(project.resolve("tree.txt"), StandardCharsets.UTF_8);
        BuildOutput.info("What a Camel application that adds org.camelopencode:camel-opencode gets (ComponentJarIT):\n" + tree);
        List<String> artifacts = componentSubtree(tree);
        assertThat(artifacts).contains("org.camelopencode:camel-opencode", "org.apache.camel:camel-support",
                "org.apache.camel:camel-health", "com.fasterxml.jackson.core:jackson-databind");
        for (String runnerOnly : RUNNER_ONLY) {
            assertThat(artifacts).as("runner-only %s in the tree%n%s", runnerOnly, tree).noneMatch(artifact -> artifact.startsWith(runnerOnly));
        }

        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("JAR-USER")).reply(Reply.text("hello from the plain jar"));
        ManagedOpenCodeServer server = openCode.server();
        String classpath = Files.readString(project.resolve("classpath.txt"), StandardCharsets.UTF_8).strip();
        Path application = Files.writeString(project.resolve("UserApplication.java"), USER_APPLICATION, StandardCharsets.UTF_8);
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-classpath", classpath, application.toString(), server.baseUri().toString(), server.username(),
                SharedOpenCode.MODEL).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(project.resolve("application.log").toFile());
        run.environment().put("OPENCODE_SERVER_PASSWORD", server.password());
        String output = runToEnd(run, project.resolve("application.log"), 180);

        assertThat(output).as("the application's output").contains("HEALTHY true").contains("REPLY hello from the plain jar")
                .doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
    }

    /**
     * @param tree the output of {@code dependency:tree}
     * @return the artifacts ({@code groupId:artifactId}) of the component's branch: its own line and everything below it,
     *     up to the application's next direct dependency
     */
    private static List<String> componentSubtree(String tree) {
        List<String> artifacts = new ArrayList<>();
        boolean inside = false;
        for (String line : tree.split("\n")) {
            if (line.startsWith("+- ") || line.startsWith("\\- ")) {
                inside = line.contains("org.camelopencode:camel-opencode:");
            }
            Matcher matcher = ARTIFACT.matcher(line);
            if (inside && matcher.find()) {
                artifacts.add(matcher.group(1));
            }
        }
        return artifacts;
    }

    /** A Camel application as a user writes it: its own context, the component found by its scheme, no registry setup. */
    private static final String USER_APPLICATION = """
            import org.apache.camel.CamelContext;
            import org.apache.camel.ProducerTemplate;
            import org.apache.camel.impl.DefaultCamelContext;
            import org.camelopencode.client.Health;
            import org.camelopencode.dispatch.DispatchResult;

            public class UserApplication {
                public static void main(String[] arguments) throws Exception {
                    String server = "serverUrl=" + arguments[0] + "&username=" + arguments[1]
                            + "&password=RAW(" + System.getenv("OPENCODE_SERVER_PASSWORD") + ")";
                    try (CamelContext context = new DefaultCamelContext()) {
                        context.start();
                        ProducerTemplate template = context.createProducerTemplate();
                        Health health = template.requestBody("opencode:health?" + server, null, Health.class);
                        System.out.println("HEALTHY " + health.healthy());
                        DispatchResult result = template.requestBody("opencode:dispatch?" + server + "&model=" + arguments[2]
                                + "&timeout=PT90S", "JAR-USER say hello", DispatchResult.class);
                        System.out.println("REPLY " + result.text());
                    }
                }
            }
            """;

    /**
     * Writes a project depending on the component and resolves it with this build's Maven wrapper:
     * the component's jar and pom sit in a throw-away repository chained behind the local one as its read-only tail,
     * so nothing of this build lands in the local repository.
     *
     * @return the project folder, with {@code tree.txt} (dependency:tree) and {@code classpath.txt}
     */
    private Path userProject() throws Exception {
        String version = System.getProperty("component.version");
        Path project = Files.createDirectories(temporary.resolve("user-application"));
        Path artifacts = Files.createDirectories(temporary.resolve("component-repository/org/camelopencode/camel-opencode/" + version));
        Files.copy(Path.of(System.getProperty("component.jar")), artifacts.resolve("camel-opencode-" + version + ".jar"));
        Files.copy(Path.of(System.getProperty("component.pom")), artifacts.resolve("camel-opencode-" + version + ".pom"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>user-application</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>org.camelopencode</groupId>
                      <artifactId>camel-opencode</artifactId>
                      <version>%1$s</version>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.camel</groupId>
                      <artifactId>camel-core-engine</artifactId>
                      <version>%2$s</version>
                    </dependency>
                    <dependency>
                      <groupId>org.apache.camel</groupId>
                      <artifactId>camel-core-languages</artifactId>
                      <version>%2$s</version>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(version, System.getProperty("camel.version")), StandardCharsets.UTF_8);
        String plugin = "org.apache.maven.plugins:maven-dependency-plugin:" + System.getProperty("maven-dependency-plugin.version");
        // Not offline: everything but maven-dependency-plugin is in the local repository after this build's own
        // resolution, and that plugin is downloaded the first time (CI is online).
        List<String> command = new ArrayList<>(List.of(System.getProperty("maven.wrapper"), "-B",
                "-Dmaven.repo.local=" + System.getProperty("maven.local.repository"),
                "-Dmaven.repo.local.tail=" + temporary.resolve("component-repository"),
                plugin + ":tree", "-DoutputFile=tree.txt", plugin + ":build-classpath", "-Dmdep.outputFile=classpath.txt"));
        Path log = project.resolve("maven.log");
        runToEnd(new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()), log, 300);
        assertThat(project.resolve("tree.txt")).exists();
        assertThat(Files.readString(project.resolve("classpath.txt")).split(File.pathSeparator))
                .anyMatch(entry -> entry.endsWith("camel-opencode-" + version + ".jar"));
        return project;
    }

    /** @return the process's output, after it exited 0 within {@code seconds} (else the assertion shows the output) */
    private static String runToEnd(ProcessBuilder builder, Path output, int seconds) throws IOException, InterruptedException {
        Process process = builder.start();
        boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("%s finished within %d s; its output:%n%s", builder.command().get(0), seconds, text).isTrue();
        assertThat(process.exitValue()).as("exit status of %s; its output:%n%s", builder.command(), text).isZero();
        return text;
    }

    private static Path componentJar() throws IOException {
        try (Stream<Path> files = Files.list(RUNNER_JAR.getParent())) {
            List<Path> jars = files.filter(file -> file.getFileName().toString().matches("camel-opencode-\\d.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().contains("-sources")).toList();
            assertThat(jars).as("the component jar next to %s", RUNNER_JAR).hasSize(1);
            return jars.get(0);
        }
    }

    private static void assertGenerated(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (String entry : GENERATED) {
                assertThat(file.getJarEntry(entry)).as("%s in %s", entry, jar).isNotNull();
            }
            try (InputStream json = file.getInputStream(file.getJarEntry(GENERATED.get(0)))) {
                String metadata = new String(json.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(metadata).contains("\"scheme\": \"opencode\"").contains("\"componentProperties\"")
                        .contains("\"headers\"").contains("\"CamelOpenCodeFailureKind\"");
            }
            try (InputStream service = file.getInputStream(file.getJarEntry("META-INF/services/org/apache/camel/configurer/opencode-component"))) {
                assertThat(new String(service.readAllBytes(), StandardCharsets.UTF_8))
                        .contains("class=org.camelopencode.component.OpenCodeComponentConfigurer");
            }
        }
    }
}
