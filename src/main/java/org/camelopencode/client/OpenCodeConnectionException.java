package org.camelopencode.client;

/** The server could not be reached or the exchange broke: connect refused, reset, I/O error, timeout. */
public class OpenCodeConnectionException extends OpenCodeClientException {

    private final boolean timeout;

    /**
     * @param message what failed, naming method and path
     * @param cause   the I/O error
     * @param timeout true when the request (or connect) timed out
     */
    public OpenCodeConnectionException(String message, Throwable cause, boolean timeout) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** @return true when the request or the connect timed out */
    public boolean isTimeout() {
        return timeout;
    }
}
