package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged jars (after {@code package}) hold the tooling metadata camel-component-maven-plugin generates: the
 * component JSON, the component and endpoint configurers, the URI factory and the service files Camel resolves them
 * through. Checked in both the component jar ({@code camel-opencode-<version>.jar}, what a Camel application or
 * {@code camel run --dep} adds) and the runnable runner jar.
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

    @Test
    void componentJarHoldsTheGeneratedMetadataAndConfigurers() throws IOException {
        assertGenerated(componentJar());
    }

    @Test
    void runnerJarHoldsTheGeneratedMetadataAndConfigurers() throws IOException {
        assertThat(RUNNER_JAR).exists();
        assertGenerated(RUNNER_JAR);
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
