import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.util.json.Jsoner;

/**
 * A build step, run by the pom right after camel-component-maven-plugin's {@code generate} (phase
 * {@code process-classes}, as a single-file Java program on the compile classpath): puts the option and header
 * descriptions of the generated component JSON back to the exact text of their {@code @UriParam}, {@code @UriPath}
 * and {@code @Metadata} annotations.
 *
 * <p>Why: the plugin passes every description through {@code JavadocHelper.sanitizeDescription}
 * (camel-tooling-util), which keeps only Java identifier characters, white space and the punctuation
 * {@code . , - = ' / \ ! & % ( ) : ; # $} and curly braces; it drops {@code | < > + ? * [ ] "} and so turns
 * {@code permission[:pattern]=allow|once|...} into {@code permission:pattern=allowonce...}. The plugin has no option
 * to turn that off, and no escape survives it as the same text. The JSON stays exactly as the plugin writes it (same fields, order and layout); only the value
 * of each {@code "description"} that has an annotation source changes. Descriptions taken from Javadoc (the
 * component's own, or an option without an annotation description) are left as the plugin made them.
 *
 * <p>Arguments: the compiled classes folder, then every copy of the JSON to fix (a missing one is skipped). Fails
 * (exit status 1, failing the build) when a class the JSON names cannot be loaded or the scheme has no single
 * {@code @UriEndpoint} class; an option whose member or annotation description is not found keeps the plugin's text
 * (GeneratedDescriptionsTest then fails).
 */
public final class RestoreOptionDescriptions {

    private static final Pattern SECTION = Pattern.compile("^  \"(\\w+)\": \\{$");
    private static final Pattern OPTION = Pattern.compile("^    \"([^\"]+)\": \\{ ");
    private static final Pattern DESCRIPTION = Pattern.compile("\"description\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    private RestoreOptionDescriptions() {
    }

    /**
     * @param arguments the classes folder, then the JSON files
     * @throws Exception when a file cannot be read or written, or a class named in the JSON cannot be loaded
     */
    public static void main(String[] arguments) throws Exception {
        Path classes = Path.of(arguments[0]);
        for (int index = 1; index < arguments.length; index++) {
            Path json = Path.of(arguments[index]);
            if (Files.isRegularFile(json)) {
                System.out.println("[INFO] " + json + ": " + restore(json, classes) + " descriptions restored to their"
                        + " annotation text (camel-component-maven-plugin drops | < > + ? * [ ] \" from them)");
            }
        }
    }

    /**
     * Rewrites one JSON file in place when a description differs from its source text.
     *
     * @return how many descriptions differ from what the plugin wrote
     */
    private static int restore(Path json, Path classes) throws Exception {
        String text = Files.readString(json, StandardCharsets.UTF_8);
        Map<String, Map<String, String>> sources = sourceTexts(new ObjectMapper().readTree(text), classes);
        StringBuilder fixed = new StringBuilder(text.length() + 256);
        String section = "";
        int changed = 0;
        for (String line : text.split("\n", -1)) {
            Matcher sectionLine = SECTION.matcher(line);
            Matcher optionLine = OPTION.matcher(line);
            if (sectionLine.find()) {
                section = sectionLine.group(1);
            } else if (optionLine.find()) {
                String source = sources.getOrDefault(section, Map.of()).get(optionLine.group(1));
                Matcher description = DESCRIPTION.matcher(line);
                if (source != null && description.find()) {
                    String escaped = Jsoner.escape(source);
                    if (!escaped.equals(description.group(1))) {
                        changed++;
                        line = line.substring(0, description.start(1)) + escaped + line.substring(description.end(1));
                    }
                }
            }
            fixed.append(line).append('\n');
        }
        fixed.setLength(fixed.length() - 1);
        if (changed > 0) {
            Files.writeString(json, fixed, StandardCharsets.UTF_8);
        }
        return changed;
    }

    /** @return per JSON section ({@code componentProperties}, {@code properties}, {@code headers}), option name to source text */
    private static Map<String, Map<String, String>> sourceTexts(JsonNode metadata, Path classes) throws Exception {
        String scheme = metadata.path("component").path("scheme").asText();
        Class<?> component = load(metadata.path("component").path("javaType").asText());
        Class<?> endpoint = endpointClass(classes, scheme);
        Map<String, Map<String, String>> sources = new HashMap<>();
        sources.put("componentProperties", optionSources(metadata.path("componentProperties"), component));
        sources.put("properties", optionSources(metadata.path("properties"), endpoint));
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, JsonNode> header : metadata.path("headers").properties()) {
            String[] constant = header.getValue().path("constantName").asText().split("#");
            Field field = load(constant[0]).getDeclaredField(constant[1]);
            description(field).ifPresent(text -> headers.put(header.getKey(), text));
        }
        sources.put("headers", headers);
        return sources;
    }

    private static Map<String, String> optionSources(JsonNode options, Class<?> owner) throws Exception {
        Map<String, String> sources = new HashMap<>();
        for (Map.Entry<String, JsonNode> option : options.properties()) {
            String configuration = option.getValue().path("configurationClass").asText("");
            Class<?> declaring = configuration.isEmpty() ? owner : load(configuration);
            annotatedMember(declaring, option.getKey()).flatMap(RestoreOptionDescriptions::description)
                    .ifPresent(text -> sources.put(option.getKey(), text));
        }
        return sources;
    }

    /** @return the field or setter of {@code type} or a superclass that the option {@code name} comes from */
    private static Optional<AnnotatedElement> annotatedMember(Class<?> type, String name) {
        for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
            for (Field field : current.getDeclaredFields()) {
                if (name.equals(optionName(field, field.getName()))) {
                    return Optional.of(field);
                }
            }
            for (Method method : current.getDeclaredMethods()) {
                String property = method.getName().startsWith("set") && method.getName().length() > 3
                        ? Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4) : null;
                if (property != null && name.equals(optionName(method, property))) {
                    return Optional.of(method);
                }
            }
        }
        return Optional.empty();
    }

    /** @return the option name a member declares, or {@code null} when it carries no option annotation */
    private static String optionName(AnnotatedElement member, String defaultName) {
        UriParam param = member.getAnnotation(UriParam.class);
        UriPath path = member.getAnnotation(UriPath.class);
        String declared = param != null ? param.name() : path != null ? path.name() : null;
        if (declared == null && member.getAnnotation(Metadata.class) == null) {
            return null;
        }
        return declared == null || declared.isEmpty() ? defaultName : declared;
    }

    /** @return the first non-empty description of the member's {@code @UriParam}, {@code @UriPath} or {@code @Metadata} */
    private static Optional<String> description(AnnotatedElement member) {
        List<String> candidates = new ArrayList<>();
        for (Annotation annotation : member.getAnnotations()) {
            if (annotation instanceof UriParam param) {
                candidates.add(param.description());
            } else if (annotation instanceof UriPath path) {
                candidates.add(path.description());
            } else if (annotation instanceof Metadata metadata) {
                candidates.add(metadata.description());
            }
        }
        return candidates.stream().filter(text -> !text.isBlank()).findFirst();
    }

    /** @return the class in {@code classes} annotated {@code @UriEndpoint} for {@code scheme} */
    private static Class<?> endpointClass(Path classes, String scheme) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            List<Class<?>> endpoints = files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(name -> !name.contains("$"))
                    .map(RestoreOptionDescriptions::loadQuietly).filter(type -> type != null)
                    .filter(type -> {
                        UriEndpoint annotation = type.getAnnotation(UriEndpoint.class);
                        return annotation != null && List.of(annotation.scheme().split(",")).contains(scheme);
                    }).toList();
            if (endpoints.size() != 1) {
                throw new IllegalStateException("expected one @UriEndpoint class for scheme " + scheme + " in " + classes
                        + ", found " + endpoints);
            }
            return endpoints.get(0);
        }
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, RestoreOptionDescriptions.class.getClassLoader());
    }

    private static Class<?> loadQuietly(String name) {
        try {
            return load(name);
        } catch (ClassNotFoundException | LinkageError unloadable) {
            return null;
        }
    }
}
