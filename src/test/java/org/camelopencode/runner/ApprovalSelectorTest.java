package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The approvals route's JMS selector ({@code opencode.approvals.selector} when blank). */
class ApprovalSelectorTest {

    @Test
    void takesUnaddressedApprovalsAndThoseForwardedToThisNode() {
        assertThat(RunnerConfiguration.approvalSelector("beta"))
                .isEqualTo("OpenCodeApprovalOwner IS NULL OR OpenCodeApprovalOwner = 'beta'");
    }

    @Test
    void aQuoteInTheNodeIdIsDoubledAsJmsSelectorsEscapeIt() {
        assertThat(RunnerConfiguration.approvalSelector("o'brien-42"))
                .isEqualTo("OpenCodeApprovalOwner IS NULL OR OpenCodeApprovalOwner = 'o''brien-42'");
    }
}
