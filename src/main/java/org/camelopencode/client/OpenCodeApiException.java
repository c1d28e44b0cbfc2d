package org.camelopencode.client;

/**
 * The server answered with a non-2xx status. The error name and message are parsed from the server's
 * {@code {"name":"NotFoundError","data":{"message":...}}} body, else a short excerpt of the body is used.
 */
public class OpenCodeApiException extends OpenCodeClientException {

    private final int statusCode;
    private final String errorName;
    private final String errorMessage;

    /**
     * @param request      method and path, e.g. {@code GET /session/x/message}
     * @param statusCode   HTTP status
     * @param errorName    the server's error name, may be null
     * @param errorMessage the server's message or a body excerpt, may be null
     */
    public OpenCodeApiException(String request, int statusCode, String errorName, String errorMessage) {
        super(request + " failed with HTTP " + statusCode
                + (errorName != null ? " " + errorName : "")
                + (errorMessage != null && !errorMessage.isEmpty() ? ": " + errorMessage : ""));
        this.statusCode = statusCode;
        this.errorName = errorName;
        this.errorMessage = errorMessage;
    }

    /** @return the HTTP status code */
    public int statusCode() {
        return statusCode;
    }

    /** @return the server's error name such as {@code NotFoundError}, or null */
    public String errorName() {
        return errorName;
    }

    /** @return the server's error message or a body excerpt, or null */
    public String errorMessage() {
        return errorMessage;
    }
}
