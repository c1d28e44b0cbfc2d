package org.camelopencode.ledger;

/** The ledger's database refused or failed a statement; the message names what was being recorded, never a password. */
public class LedgerException extends RuntimeException {

    /**
     * @param message what failed
     * @param cause the database's exception, or {@code null}
     */
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
