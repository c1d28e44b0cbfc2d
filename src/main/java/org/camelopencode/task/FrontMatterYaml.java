package org.camelopencode.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Parses YAML front matter with snakeyaml-engine (safe: standard tags only, YAML 1.2 core schema, no
 * duplicate keys, alias expansion capped) and converts it to a Jackson {@link ObjectNode}, so Markdown
 * and JSON tasks are validated by the same code.
 */
final class FrontMatterYaml {

    /** Deeper than any sane schema; stops recursive aliases ({@code &a [*a]}) from overflowing the stack. */
    private static final int MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FrontMatterYaml() {
    }

    /**
     * @param yaml the front matter text (between the delimiters)
     * @return the keys as an object node; an empty front matter gives an empty object
     * @throws TaskProblem for a YAML syntax error (with its line in the file), a top level that is not
     *     a mapping, a non-string key, or a value JSON cannot hold
     */
    static ObjectNode parse(String yaml) {
        Object loaded;
        try {
            loaded = new Load(settings()).loadFromString(yaml);
        } catch (MarkedYamlEngineException e) {
            throw new TaskProblem("front matter is not valid YAML: " + describe(e));
        } catch (YamlEngineException e) {
            throw new TaskProblem("front matter is not valid YAML: " + TaskProblem.firstLine(e.getMessage()));
        }
        if (loaded == null) {
            return NODES.objectNode();
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new TaskProblem("front matter must be a YAML mapping of keys, got " + describeType(loaded));
        }
        return toObject(map, "", 0);
    }

    private static LoadSettings settings() {
        return LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(50)
                .setLabel("front matter")
                .build();
    }

    private static JsonNode toNode(Object value, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TaskProblem("key '" + topKey(path) + "' is nested more than " + MAX_DEPTH
                    + " levels deep (a recursive alias?)");
        }
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof String text) {
            return NODES.textNode(text);
        } else if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        } else if (value instanceof Integer number) {
            return NODES.numberNode(number);
        } else if (value instanceof Long number) {
            return NODES.numberNode(number);
        } else if (value instanceof BigInteger number) {
            return NODES.numberNode(number);
        } else if (value instanceof Double number && Double.isFinite(number)) {
            return NODES.numberNode(number);
        } else if (value instanceof Map<?, ?> map) {
            return toObject(map, path, depth);
        } else if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            for (int index = 0; index < list.size(); index++) {
                array.add(toNode(list.get(index), path + "[" + index + "]", depth + 1));
            }
            return array;
        }
        throw new TaskProblem("key '" + topKey(path) + "' holds " + describeType(value) + " at " + path
                + ", which JSON cannot represent");
    }

    /** @param path {@code ""} for the front matter itself, else a dotted path such as {@code schema.properties} */
    private static ObjectNode toObject(Map<?, ?> map, String path, int depth) {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                String where = path.isEmpty() ? "front matter" : "key '" + topKey(path) + "' at " + path;
                throw new TaskProblem(where + " has a key that is not a string: " + entry.getKey());
            }
            object.set(key, toNode(entry.getValue(), path.isEmpty() ? key : path + "." + key, depth + 1));
        }
        return object;
    }

    private static String topKey(String path) {
        int end = path.length();
        for (int index = 0; index < path.length(); index++) {
            if (path.charAt(index) == '.' || path.charAt(index) == '[') {
                end = index;
                break;
            }
        }
        return path.substring(0, end);
    }

    private static String describe(MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? TaskProblem.firstLine(e.getMessage()) : e.getProblem();
        return e.getProblemMark()
                .map(mark -> problem + " (line " + fileLine(mark) + ", column " + (mark.getColumn() + 1) + ")")
                .orElse(problem);
    }

    private static int fileLine(Mark mark) {
        return mark.getLine() + MarkdownTask.FRONT_MATTER_FIRST_LINE;
    }


    private static String describeType(Object value) {
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        } else if (value instanceof List<?>) {
            return "a list";
        } else if (value instanceof String) {
            return "a string";
        } else if (value instanceof Double number && !Double.isFinite(number)) {
            return "a non-finite number (" + number + ")";
        } else if (value instanceof Number) {
            return "a number";
        } else if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a value of type " + value.getClass().getSimpleName();
    }
}
