package org.camelopencode.client;

/** Base of every error of the OpenCode client. Messages name the method and path, never credentials. */
public class OpenCodeClientException extends RuntimeException {

    /** @param message what failed, e.g. {@code POST /session: ...} */
    public OpenCodeClientException(String message) {
        super(message);
    }

    /** @param message what failed @param cause the underlying error */
    public OpenCodeClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
