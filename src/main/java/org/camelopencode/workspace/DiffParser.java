package org.camelopencode.workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads git's machine output of a diff (pure): {@code git diff -z --name-status -M} gives each file's status and
 * paths, {@code git diff -z --numstat -M} its line counts; together they are the {@link FileChange}s.
 *
 * <p>Formats (NUL-separated, {@code -z}): name-status {@code M\0path\0}, {@code R087\0old\0new\0}; numstat
 * {@code 3\t1\tpath\0}, for a rename {@code 3\t1\t\0old\0new\0}, for a binary file {@code -\t-\tpath\0}.
 */
final class DiffParser {

    private DiffParser() {
    }

    /**
     * @param nameStatus the output of {@code git diff -z --name-status -M ...}
     * @param numstat the output of {@code git diff -z --numstat -M ...} of the same diff
     * @return one change per file, in git's order (by path)
     * @throws IllegalArgumentException when the text is not in git's format
     */
    static List<FileChange> changes(String nameStatus, String numstat) {
        Map<String, int[]> counts = counts(numstat);
        List<FileChange> changes = new ArrayList<>();
        String[] fields = nameStatus.split("\0", -1);
        int index = 0;
        while (index < fields.length && !fields[index].isEmpty()) {
            String code = fields[index++];
            char kind = code.charAt(0);
            String from = null;
            String file;
            if (kind == 'R' || kind == 'C') {
                from = field(fields, index++, nameStatus);
            }
            file = field(fields, index++, nameStatus);
            int[] lines = counts.getOrDefault(file, new int[2]);
            changes.add(new FileChange(file, status(kind, code), lines[0], lines[1], kind == 'R' ? from : null));
        }
        return changes;
    }

    private static String status(char kind, String code) {
        return switch (kind) {
            case 'A', 'C' -> FileChange.ADDED;
            case 'M', 'T' -> FileChange.MODIFIED;
            case 'D' -> FileChange.DELETED;
            case 'R' -> FileChange.RENAMED;
            default -> throw new IllegalArgumentException("unknown git diff status '" + code + "'");
        };
    }

    /** Additions and deletions by (new) path; a binary file counts 0 and 0. */
    private static Map<String, int[]> counts(String numstat) {
        Map<String, int[]> counts = new HashMap<>();
        String[] fields = numstat.split("\0", -1);
        int index = 0;
        while (index < fields.length && !fields[index].isEmpty()) {
            String[] columns = fields[index++].split("\t", 3);
            if (columns.length != 3) {
                throw new IllegalArgumentException("not git diff --numstat output: '" + String.join("\\t", columns) + "'");
            }
            String file = columns[2];
            if (file.isEmpty()) {
                // a rename: the old and the new path follow as fields of their own
                index++;
                file = field(fields, index++, numstat);
            }
            counts.put(file, new int[] {lineCount(columns[0]), lineCount(columns[1])});
        }
        return counts;
    }

    private static int lineCount(String column) {
        return "-".equals(column) ? 0 : Integer.parseInt(column);
    }

    private static String field(String[] fields, int index, String text) {
        if (index >= fields.length || fields[index].isEmpty()) {
            throw new IllegalArgumentException("git diff output ends early: '" + text.replace('\0', '|') + "'");
        }
        return fields[index];
    }
}
