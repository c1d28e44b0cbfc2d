package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One offered answer of a question.
 *
 * @param label       the answer text to send back
 * @param description explanation
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuestionOption(String label, String description) {
}
