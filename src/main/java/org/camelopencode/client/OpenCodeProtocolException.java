package org.camelopencode.client;

/** The server (or an event frame) sent something that is not the expected JSON. The message has a short excerpt. */
public class OpenCodeProtocolException extends OpenCodeClientException {

    /** Longest excerpt of an offending body put into a message. */
    static final int EXCERPT_LENGTH = 200;

    /** @param message what was wrong, with an excerpt */
    public OpenCodeProtocolException(String message) {
        super(message);
    }

    /** @param message what was wrong, with an excerpt @param cause the parse error */
    public OpenCodeProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param text any text, may be null
     * @return at most {@value #EXCERPT_LENGTH} characters of it, with an ellipsis when cut
     */
    public static String excerpt(String text) {
        if (text == null) {
            return "<null>";
        }
        String oneLine = text.replace('\r', ' ').replace('\n', ' ');
        return oneLine.length() <= EXCERPT_LENGTH ? oneLine : oneLine.substring(0, EXCERPT_LENGTH) + "...";
    }
}
