package org.camelopencode.workspace;

/**
 * The author and committer of the component's commits, passed to git as {@code -c user.name=... -c user.email=...} on
 * each commit so the user's global git configuration is never used silently.
 *
 * @param name the name, not blank
 * @param email the e-mail address, not blank
 */
public record GitIdentity(String name, String email) {

    /** The identity when none is configured. */
    public static final GitIdentity DEFAULT = new GitIdentity("camel-opencode", "camel-opencode@localhost");

    /** @throws IllegalArgumentException when a field is blank or {@code null} */
    public GitIdentity {
        if (name == null || name.isBlank() || email == null || email.isBlank()) {
            throw new IllegalArgumentException("a git identity needs a name and an e-mail address, got '" + name + "' <" + email + ">");
        }
    }
}
