package org.camelopencode.ledger;

import java.time.Instant;

/**
 * The answer of {@link TaskClaims#claim}.
 *
 * @param state what happened
 * @param owner the node that holds the key now ({@link ClaimState#HELD_BY_LIVE_OWNER}), or the node it was taken
 *     from ({@link ClaimState#TAKEN_OVER}), else the caller
 * @param leaseUntil the lease's end, by the database's clock
 */
public record Claim(ClaimState state, String owner, Instant leaseUntil) {
}
