package org.camelopencode.ledger;

import java.io.PrintStream;

/**
 * Lists the latest dispatches of a ledger, one line each (task, attempt, outcome, server, session, model, tokens, cost,
 * duration), newest first:
 * {@code java -cp camel-opencode-runner.jar org.camelopencode.ledger.LedgerHistory [jdbc-url] [limit]}.
 * The URL defaults to {@value LedgerSettings#DEFAULT_URL}; credentials come from the environment variables
 * {@code OPENCODE_LEDGER_USERNAME} and {@code OPENCODE_LEDGER_PASSWORD}. Stop the runner first when the ledger is the
 * embedded H2 file (one process at a time).
 */
public final class LedgerHistory {

    private LedgerHistory() {
    }

    /**
     * @param args optional JDBC URL, optional limit (default 50)
     */
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : LedgerSettings.DEFAULT_URL;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        print(new LedgerSettings(url, System.getenv("OPENCODE_LEDGER_USERNAME"), System.getenv("OPENCODE_LEDGER_PASSWORD")),
                limit, System.out);
    }

    /**
     * @param settings the ledger's database
     * @param limit how many entries, newest first
     * @param out where the lines go
     */
    static void print(LedgerSettings settings, int limit, PrintStream out) {
        try (DispatchLedger ledger = DispatchLedger.open(settings)) {
            ledger.recent(limit).forEach(entry -> out.println(entry.describe()));
        }
    }
}
