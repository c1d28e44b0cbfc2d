package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One input part of a prompt: {@code {"type":"text","text":"..."}}, or a file part (OpenCode's {@code FilePartInput})
 * {@code {"type":"file","mime":"text/plain","url":"file:///abs/path","filename":"path"}}, whose content the server reads
 * and hands to the model. Null fields are omitted.
 *
 * @param type     part type, {@code text} or {@code file}
 * @param text     the text of a text part
 * @param mime     the media type of a file part
 * @param url      the {@code file://} URL of a file part
 * @param filename the file name shown to the model
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptPart(String type, String text, String mime, String url, String filename) {

    /** The media type of a file whose type the platform cannot tell. */
    static final String DEFAULT_MIME = "text/plain";

    /**
     * @param type part type
     * @param text the text
     */
    public PromptPart(String type, String text) {
        this(type, text, null, null, null);
    }

    /**
     * @param text the prompt text
     * @return a text part
     */
    public static PromptPart text(String text) {
        return new PromptPart("text", text);
    }

    /**
     * @param file an absolute path
     * @return a file part: media type from {@link Files#probeContentType} (else {@value #DEFAULT_MIME}), the file's
     *     {@code file://} URL and its name
     * @throws IllegalArgumentException when the path is not absolute
     */
    public static PromptPart file(Path file) {
        if (!file.isAbsolute()) {
            throw new IllegalArgumentException("a file part needs an absolute path, was " + file);
        }
        String mime;
        try {
            mime = Files.probeContentType(file);
        } catch (IOException unknown) {
            mime = null;
        }
        return new PromptPart("file", null, mime == null ? DEFAULT_MIME : mime, file.toUri().toString(),
                file.getFileName().toString());
    }
}
