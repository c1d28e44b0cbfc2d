package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One question of a question request.
 *
 * @param question the question text
 * @param header   short header
 * @param options  offered answers
 * @param multiple true when several options may be chosen
 * @param custom   true when a free-text answer is allowed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Question(String question, String header, List<QuestionOption> options, Boolean multiple,
                       Boolean custom) {
}
