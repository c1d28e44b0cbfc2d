package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Body of {@code POST /session}.
 *
 * @param title      session title, may be null
 * @param permission per-session permission rules, may be null (omitted from the body)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateSessionRequest(String title, List<PermissionRule> permission) {

    /** Copies the rule list so later changes of the caller's list do not leak in. */
    public CreateSessionRequest {
        permission = permission == null ? null : List.copyOf(permission);
    }
}
