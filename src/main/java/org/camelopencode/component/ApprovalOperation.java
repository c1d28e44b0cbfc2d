package org.camelopencode.component;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.camelopencode.interaction.Approval;
import org.camelopencode.interaction.Approvals;
import org.camelopencode.ledger.ApprovalDestination;
import org.camelopencode.ledger.ApprovalRouting;
import org.camelopencode.ledger.DispatchLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's {@code opencode:approve}: with a ledger, {@link ApprovalRouting} says which runner owns the session the
 * approval answers. This runner's: applied on its servers ({@link OpenCodeServers#approve}), header
 * {@code CamelOpenCodeApprovalOutcome=applied} and the body {@code true}. Another live runner's: nothing is applied,
 * {@code CamelOpenCodeApprovalOutcome=forwarded}, {@code OpenCodeApprovalOwner} = that node, {@code JMSExpiration} =
 * the request's time to live (epoch ms) and the body left as it came, for the route to send on. Nobody's:
 * {@link Approvals.ApprovalNotOwnedException} with the reason. Without a ledger every approval is applied here.
 */
final class ApprovalOperation {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalOperation.class);

    private ApprovalOperation() {
    }

    /**
     * @param component the component (its ledger and node id)
     * @param servers the endpoint's servers
     * @param exchange the exchange: headers out as above
     * @param approval the parsed approval
     * @throws Approvals.ApprovalNotOwnedException when nobody owns its session any more
     * @throws Approvals.ApprovalNotPendingException when this runner's servers do not have the request pending
     * @throws org.camelopencode.ledger.LedgerException when the ledger cannot be read
     */
    static void approve(OpenCodeComponent component, OpenCodeServers servers, Exchange exchange, Approval approval) {
        Message message = exchange.getMessage();
        message.setHeader(OpenCodeConstants.REQUEST_ID, approval.requestId());
        DispatchLedger ledger = component.getLedger();
        String self = component.getClusterNode().nodeId();
        ApprovalDestination destination = ledger == null ? ApprovalDestination.applyHere(null, "no ledger")
                : ApprovalRouting.resolve(ledger, self, approval.requestId());
        if (destination.sessionId() != null) {
            message.setHeader(OpenCodeConstants.SESSION_ID, destination.sessionId());
        }
        switch (destination.action()) {
            case REJECT -> throw new Approvals.ApprovalNotOwnedException(destination.reason());
            case FORWARD -> {
                LOG.debug("Approval for {}: {}, forwarded", approval.requestId(), destination.reason());
                message.setHeader(OpenCodeConstants.APPROVAL_OUTCOME, "forwarded");
                message.setHeader(OpenCodeConstants.APPROVAL_OWNER, destination.node());
                message.setHeader("JMSExpiration", destination.expiresAt().toEpochMilli());
            }
            case APPLY_HERE -> {
                message.setHeader(OpenCodeConstants.SESSION_ID, servers.approve(approval));
                message.setHeader(OpenCodeConstants.APPROVAL_OUTCOME, "applied");
                message.removeHeader(OpenCodeConstants.APPROVAL_OWNER);
                message.setBody(Boolean.TRUE);
            }
        }
    }
}
