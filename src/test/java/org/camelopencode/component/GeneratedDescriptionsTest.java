package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every description in the generated {@code META-INF/org/camelopencode/component/opencode.json} (component options,
 * endpoint options, headers) is exactly the text of its {@code @UriParam}, {@code @UriPath} or {@code @Metadata}
 * annotation, read here by reflection: camel-component-maven-plugin drops {@code | < > + ? * [ ] "} from
 * descriptions, and the build step {@code src/build/java/RestoreOptionDescriptions.java} puts them back.
 */
class GeneratedDescriptionsTest {

    private static JsonNode metadata;

    @BeforeAll
    static void readMetadata() throws IOException {
        try (InputStream in = GeneratedDescriptionsTest.class.getResourceAsStream("/META-INF/org/camelopencode/component/opencode.json")) {
            assertThat(in).as("the generated opencode.json on the classpath").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyOptionDescriptionIsItsAnnotationText() throws ClassNotFoundException {
        SoftAssertions softly = new SoftAssertions();
        int compared = 0;
        for (Map.Entry<String, Class<?>> section : Map.<String, Class<?>>of("componentProperties", OpenCodeComponent.class,
                "properties", OpenCodeEndpoint.class).entrySet()) {
            for (Map.Entry<String, JsonNode> option : metadata.path(section.getKey()).properties()) {
                String configuration = option.getValue().path("configurationClass").asText("");
                Class<?> owner = configuration.isEmpty() ? section.getValue() : Class.forName(configuration);
                List<String> sources = annotationTexts(owner, option.getKey());
                softly.assertThat(sources).as("annotation description of %s %s in %s", section.getKey(), option.getKey(), owner)
                        .hasSize(1);
                if (sources.size() == 1) {
                    softly.assertThat(option.getValue().path("description").asText())
                            .as("%s %s", section.getKey(), option.getKey()).isEqualTo(sources.get(0));
                    compared++;
                }
            }
        }
        softly.assertAll();
        assertThat(compared).isEqualTo(metadata.path("componentProperties").size() + metadata.path("properties").size());
    }

    @Test
    void everyHeaderDescriptionIsItsConstantsMetadataText() throws ReflectiveOperationException {
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, JsonNode> header : metadata.path("headers").properties()) {
            String[] constant = header.getValue().path("constantName").asText().split("#");
            Metadata source = Class.forName(constant[0]).getDeclaredField(constant[1]).getAnnotation(Metadata.class);
            softly.assertThat(header.getValue().path("description").asText()).as("header %s", header.getKey())
                    .isEqualTo(source.description());
        }
        softly.assertAll();
        assertThat(metadata.path("headers").size()).isPositive();
    }

    @Test
    void thePolicyGrammarAndUriExamplesKeepTheirPunctuation() {
        assertThat(metadata.path("properties").path("permissionPolicy").path("description").asText())
                .contains("permission[:pattern]=allow|once|always|reject[:feedback]|escalate")
                .contains("bash:git *=allow; edit:*=escalate; *=reject");
        assertThat(metadata.path("componentProperties").path("approvalEndpoint").path("description").asText())
                .contains("jms:queue:opencode.approvals?preserveMessageQos=true");
    }

    /** @return the non-blank annotation descriptions of the member of {@code type} (or a superclass) declaring option {@code name} */
    private static List<String> annotationTexts(Class<?> type, String name) {
        String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        List<String> texts = new ArrayList<>();
        for (Class<?> current = type; current != null && texts.isEmpty(); current = current.getSuperclass()) {
            for (Field field : current.getDeclaredFields()) {
                if (name.equals(declaredName(field, field.getName()))) {
                    texts.addAll(descriptions(field));
                }
            }
            for (Method method : current.getDeclaredMethods()) {
                if (method.getName().equals(setter) && name.equals(declaredName(method, name))) {
                    texts.addAll(descriptions(method));
                }
            }
        }
        return texts;
    }

    private static String declaredName(AnnotatedElement member, String memberName) {
        UriParam param = member.getAnnotation(UriParam.class);
        UriPath path = member.getAnnotation(UriPath.class);
        if (param == null && path == null && member.getAnnotation(Metadata.class) == null) {
            return null;
        }
        String declared = param != null ? param.name() : path != null ? path.name() : "";
        return declared.isEmpty() ? memberName : declared;
    }

    private static List<String> descriptions(AnnotatedElement member) {
        List<String> texts = new ArrayList<>();
        if (member.getAnnotation(UriParam.class) != null) {
            texts.add(member.getAnnotation(UriParam.class).description());
        }
        if (member.getAnnotation(UriPath.class) != null) {
            texts.add(member.getAnnotation(UriPath.class).description());
        }
        if (member.getAnnotation(Metadata.class) != null) {
            texts.add(member.getAnnotation(Metadata.class).description());
        }
        texts.removeIf(String::isBlank);
        return texts;
    }
}
