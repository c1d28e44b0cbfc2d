package org.camelopencode.client;

/** The server refused the credentials: HTTP 401 or 403. */
public class OpenCodeAuthenticationException extends OpenCodeApiException {

    /** @see OpenCodeApiException#OpenCodeApiException(String, int, String, String) */
    public OpenCodeAuthenticationException(String request, int statusCode, String errorName, String errorMessage) {
        super(request, statusCode, errorName, errorMessage);
    }
}
