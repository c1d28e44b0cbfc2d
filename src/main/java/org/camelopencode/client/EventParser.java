package org.camelopencode.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns the JSON data of one event-stream frame into a typed {@link OpenCodeEvent}. Stateless and thread-safe.
 *
 * <p>Reads the frames of {@code GET /event} ({@code {"id","type","properties"}}) and of
 * {@code GET /global/event} ({@code {"directory","project","payload":{...}}}).
 */
public final class EventParser {

    /** Payload type of the duplicate copy every durable event gets on {@code /global/event}. */
    static final String SYNC_TYPE = "sync";

    private final ObjectMapper mapper = OpenCodeJson.mapper();
    // One reader per typed payload, made once: ObjectMapper.treeToValue resolves the type and its deserializer on
    // every call, which showed in the row-3 profile (issue 9).
    private final ObjectReader statusReader = mapper.readerFor(SessionStatus.class);
    private final ObjectReader errorReader = mapper.readerFor(MessageError.class);
    private final ObjectReader messageReader = mapper.readerFor(MessageInfo.class);
    private final ObjectReader partReader = mapper.readerFor(Part.class);
    private final ObjectReader permissionReader = mapper.readerFor(PermissionRequest.class);
    private final ObjectReader questionReader = mapper.readerFor(QuestionRequest.class);

    /**
     * Parses the data of a {@code GET /event} frame.
     *
     * @param json the frame data, e.g. {@code {"id":"evt_1","type":"session.idle","properties":{"sessionID":"ses_1"}}}
     * @return the typed event; an unknown type gives a {@link GenericEvent}
     * @throws OpenCodeProtocolException when the JSON is malformed, not an object, has no string {@code type},
     *                                   or a known type has properties of the wrong shape
     */
    public OpenCodeEvent parse(String json) {
        return toEvent(readObject(json), json);
    }

    /**
     * Parses the data of a {@code GET /global/event} frame.
     *
     * @param json the frame data, {@code {"directory"?, "project"?, "payload":{"id","type","properties"}}}
     * @return the event with its directory and project, or empty for the duplicate {@code payload.type == "sync"} copies
     * @throws OpenCodeProtocolException when the JSON is malformed or has no {@code payload} object with a {@code type}
     */
    public Optional<GlobalEvent> parseGlobal(String json) {
        JsonNode root = readObject(json);
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new OpenCodeProtocolException(
                    "Global event frame has no payload object: " + OpenCodeProtocolException.excerpt(json));
        }
        if (SYNC_TYPE.equals(payload.path("type").asText(null))) {
            return Optional.empty();
        }
        return Optional.of(new GlobalEvent(text(root, "directory"), text(root, "project"), toEvent(payload, json)));
    }

    private JsonNode readObject(String json) {
        if (json == null || json.isBlank()) {
            throw new OpenCodeProtocolException("Event frame is empty");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new OpenCodeProtocolException("Event frame is not valid JSON (" + OpenCodeProtocolException.excerpt(e.getOriginalMessage()) + "): "
                    + OpenCodeProtocolException.excerpt(json), e);
        }
        if (root == null || !root.isObject()) {
            throw new OpenCodeProtocolException("Event frame is not a JSON object: " + OpenCodeProtocolException.excerpt(json));
        }
        return root;
    }

    private OpenCodeEvent toEvent(JsonNode event, String json) {
        JsonNode typeNode = event.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isEmpty()) {
            throw new OpenCodeProtocolException("Event frame has no type: " + OpenCodeProtocolException.excerpt(json));
        }
        String type = typeNode.asText();
        String id = text(event, "id");
        JsonNode properties = event.get("properties");
        if (properties == null || !properties.isObject()) {
            properties = new ObjectNode(JsonNodeFactory.instance);
        }
        String sessionId = sessionIdOf(type, properties);
        try {
            return switch (type) {
                case "server.connected" -> new ServerConnected(id, type, sessionId, properties);
                case "server.heartbeat" -> new ServerHeartbeat(id, type, sessionId, properties);
                case "session.status" -> new SessionStatusChanged(id, type, sessionId, properties,
                        convert(properties.get("status"), statusReader));
                case "session.idle" -> new SessionIdle(id, type, sessionId, properties);
                case "session.error" -> new SessionError(id, type, sessionId, properties,
                        convert(properties.get("error"), errorReader));
                case "message.updated" -> new MessageUpdated(id, type, sessionId, properties,
                        convert(properties.get("info"), messageReader));
                case "message.part.updated" -> new MessagePartUpdated(id, type, sessionId, properties,
                        convert(properties.get("part"), partReader));
                case "message.part.delta" -> new MessagePartDelta(id, type, sessionId, properties,
                        text(properties, "messageID"), text(properties, "partID"), text(properties, "field"),
                        text(properties, "delta"));
                case "permission.asked" -> new PermissionAsked(id, type, sessionId, properties,
                        convert(properties, permissionReader));
                case "permission.replied" -> new PermissionReplied(id, type, sessionId, properties,
                        text(properties, "requestID"), text(properties, "reply"));
                case "question.asked" -> new QuestionAsked(id, type, sessionId, properties,
                        convert(properties, questionReader));
                case "question.replied" -> new QuestionReplied(id, type, sessionId, properties,
                        text(properties, "requestID"));
                case "question.rejected" -> new QuestionRejected(id, type, sessionId, properties,
                        text(properties, "requestID"));
                default -> new GenericEvent(id, type, sessionId, properties);
            };
        } catch (IllegalArgumentException e) {
            throw new OpenCodeProtocolException("Event " + type + " has properties of an unexpected shape: "
                    + OpenCodeProtocolException.excerpt(json), e);
        }
    }

    /**
     * The session an event belongs to: {@code properties.sessionID}. OpenCode 1.1.65 sends none on
     * {@code message.updated}, {@code message.part.updated}, {@code session.created} and {@code session.updated}: the
     * session is then {@code info.sessionID} / {@code part.sessionID} (a message or part), or {@code info.id} (a session).
     */
    private static String sessionIdOf(String type, JsonNode properties) {
        String sessionId = text(properties, "sessionID");
        if (sessionId != null) {
            return sessionId;
        }
        JsonNode part = properties.get("part");
        if (part != null && part.isObject() && part.hasNonNull("sessionID")) {
            return part.get("sessionID").asText();
        }
        JsonNode info = properties.get("info");
        if (info == null || !info.isObject()) {
            return null;
        }
        return text(info, type.startsWith("session.") ? "id" : "sessionID");
    }

    private static <T> T convert(JsonNode node, ObjectReader reader) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            return reader.readValue(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Reading a tree in memory does no I/O; kept as a shape error like the others.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
