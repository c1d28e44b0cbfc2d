package org.camelopencode.ledger;

/** The state of one dispatch attempt in the ledger; {@link #wireName()} is the value of the {@code status} column. */
public enum DispatchStatus {
    /** Begun and not decided yet (or its runner died before it was). */
    RUNNING("running"),
    /** Passed the completion gate; its result is recorded. */
    COMPLETED("completed"),
    /** Failed with a failure kind. */
    FAILED("failed");

    private final String wireName;

    DispatchStatus(String wireName) {
        this.wireName = wireName;
    }

    /** @return the column value: {@code running}, {@code completed} or {@code failed} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param wireName a column value
     * @return its status
     * @throws IllegalArgumentException for an unknown value
     */
    public static DispatchStatus fromWireName(String wireName) {
        for (DispatchStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown dispatch status '" + wireName + "'");
    }
}
