package org.camelopencode.testkit;

import java.util.Objects;

/**
 * Chooses which scripted rule of {@link ScriptedModelServer} answers a chat-completion request.
 * Title-generation calls never reach a matcher.
 */
@FunctionalInterface
public interface RequestMatcher {

    /**
     * @param request the received request
     * @return true when the rule applies to it
     */
    boolean matches(RecordedRequest request);

    /** @return a matcher that accepts every request */
    static RequestMatcher any() {
        return request -> true;
    }

    /**
     * @param fragment text the latest user message must contain (case-sensitive)
     * @return a matcher on {@link RecordedRequest#latestUserText()}; a tool-result follow-up of the same turn still matches
     */
    static RequestMatcher promptContains(String fragment) {
        Objects.requireNonNull(fragment, "fragment");
        return request -> request.latestUserText().contains(fragment);
    }

    /**
     * @param modelId the request's {@code model} field, i.e. the model id without the OpenCode provider prefix
     * @return a matcher on {@link RecordedRequest#model()}
     */
    static RequestMatcher model(String modelId) {
        Objects.requireNonNull(modelId, "modelId");
        return request -> modelId.equals(request.model());
    }

    /**
     * @param other a second condition
     * @return a matcher that accepts a request only when both accept it
     */
    default RequestMatcher and(RequestMatcher other) {
        Objects.requireNonNull(other, "other");
        return request -> matches(request) && other.matches(request);
    }
}
