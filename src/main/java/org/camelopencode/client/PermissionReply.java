package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonValue;

/** Reply to a permission request ({@code POST /permission/{id}/reply}), serialized lower-case. */
public enum PermissionReply {
    /** Allow this one request. */
    ONCE,
    /** Allow this and matching future requests. */
    ALWAYS,
    /** Refuse; the server also rejects the session's other pending requests. */
    REJECT;

    /** @return the wire value: {@code once}, {@code always} or {@code reject} */
    @JsonValue
    public String wireValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
