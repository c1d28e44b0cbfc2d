package org.camelopencode.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Locale;

/** The deterministic offline demo reply and the automatic session title of {@link ScriptedModelServer}. */
final class OfflineDemo {

    private static final int SUMMARY_LIMIT = 80;
    private static final int TITLE_LIMIT = 50;

    private OfflineDemo() {
    }

    /** JSON {@code {"summary":..., "offline":true}} when the prompt mentions json (any case), else a text echo of line one. */
    static Reply reply(String prompt, ObjectMapper mapper) {
        String firstLine = firstLine(prompt);
        if (prompt.toLowerCase(Locale.ROOT).contains("json")) {
            try {
                return Reply.json(mapper.writeValueAsString(mapper.createObjectNode()
                        .put("summary", limit(firstLine, SUMMARY_LIMIT)).put("offline", true)));
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return Reply.text("[offline demo reply] " + firstLine);
    }

    /** A one-line title of at most 50 characters taken from the prompt. */
    static String title(String prompt) {
        String firstLine = firstLine(prompt);
        return firstLine.isEmpty() ? "Scripted session" : limit(firstLine, TITLE_LIMIT);
    }

    static String firstLine(String text) {
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        return (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
    }

    private static String limit(String text, int maximum) {
        return text.length() <= maximum ? text : text.substring(0, maximum).strip();
    }
}
