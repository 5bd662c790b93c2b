package dev.followup.executor.consume;

import dev.followup.events.v1.ReceiptStatus;

/** What one try of a task came to: a terminal status for the receipt, or a failure worth retrying. */
sealed interface DraftOutcome {

    String provider();

    record Terminal(ReceiptStatus status, String provider, String providerRef, String link, String error)
            implements DraftOutcome {
    }

    record Retriable(String provider, String error, String errorClass) implements DraftOutcome {
    }
}
