package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One per-session permission rule sent with {@code POST /session}, e.g. {@code {"permission":"bash","pattern":"*","action":"deny"}}.
 *
 * @param permission the permission name ({@code bash}, {@code edit}, ...)
 * @param pattern    glob the rule applies to
 * @param action     {@code allow}, {@code ask} or {@code deny}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PermissionRule(String permission, String pattern, String action) {
}
