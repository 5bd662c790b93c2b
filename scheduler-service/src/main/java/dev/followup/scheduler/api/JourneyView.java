package dev.followup.scheduler.api;

import dev.followup.scheduler.topology.JourneyEntry;
import java.util.List;

/**
 * {@code GET /v1/leads/{leadId}/journey}: the lead's events, commands, task transitions and receipts in time order
 * (the newest 200 kept per lead).
 *
 * @param timezone the lead's time zone (IANA), else the tenant's, else UTC: the console shows times in it
 */
public record JourneyView(String leadId, String timezone, List<JourneyEntry> entries) {
}
