package org.camelopencode.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;
import java.util.Set;

/**
 * One file an attempt changed against its base, an element of the records' {@code changes} list. Fields in this
 * order: {@code file, status, additions, deletions, from?}.
 *
 * @param file the path relative to the repository's root, {@code /}-separated (the new path of a rename)
 * @param status {@code added}, {@code modified}, {@code deleted} or {@code renamed} (git's {@code A}, {@code M} and
 *     type changes {@code T}, {@code D}, {@code R})
 * @param additions lines added, from {@code git diff --numstat}; 0 for a binary file (git counts no lines in one)
 * @param deletions lines deleted; 0 for a binary file
 * @param from the old path of a {@code renamed} file; omitted otherwise
 */
@JsonPropertyOrder({"file", "status", "additions", "deletions", "from"})
public record FileChange(String file, String status, int additions, int deletions,
        @JsonInclude(JsonInclude.Include.NON_NULL) String from) {

    /** A file that is new on the branch. */
    public static final String ADDED = "added";
    /** A file whose content (or type) changed. */
    public static final String MODIFIED = "modified";
    /** A file that is gone on the branch. */
    public static final String DELETED = "deleted";
    /** A file moved (git's rename detection, {@code -M}); it may also have changed a little. */
    public static final String RENAMED = "renamed";

    private static final Set<String> STATUSES = Set.of(ADDED, MODIFIED, DELETED, RENAMED);

    /**
     * @throws NullPointerException when {@code file} or {@code status} is {@code null}
     * @throws IllegalArgumentException when {@code status} is none of the four, a count is negative, or {@code from}
     *     is missing on a rename
     */
    public FileChange {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be added, modified, deleted or renamed, got '" + status + "'");
        }
        if (additions < 0 || deletions < 0) {
            throw new IllegalArgumentException("additions and deletions must not be negative");
        }
        if (RENAMED.equals(status) && from == null) {
            throw new IllegalArgumentException("a renamed file needs its old path (from)");
        }
    }
}
