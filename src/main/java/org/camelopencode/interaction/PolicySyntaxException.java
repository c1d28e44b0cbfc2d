package org.camelopencode.interaction;

/**
 * A permission or question policy rule that cannot be parsed. The message names the rule, its position and what is
 * wrong, for example {@code permission rule 2 'bash:git *=allow:yes' is invalid: only reject takes a message}.
 */
public class PolicySyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String rule;

    /**
     * @param kind     {@code permission} or {@code question}
     * @param position 1-based position of the rule in the policy text
     * @param rule     the rule text as written (trimmed)
     * @param problem  what is wrong and how to write it instead
     */
    public PolicySyntaxException(String kind, int position, String rule, String problem) {
        super(kind + " rule " + position + " '" + rule + "' is invalid: " + problem);
        this.rule = rule;
    }

    /** @return the offending rule text as written (trimmed) */
    public String rule() {
        return rule;
    }
}
