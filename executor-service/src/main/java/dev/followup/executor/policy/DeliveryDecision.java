package dev.followup.executor.policy;

import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.TenantSettings;

/** Draft or not: draft-first is the product, and sending is not part of this executor. */
public enum DeliveryDecision {
    DRAFT,
    /** The tenant asked to send: answered with a SKIPPED receipt, since this executor only drafts. */
    SEND_NOT_ENABLED;

    public static final String SEND_NOT_ENABLED_ERROR = "sending is not enabled in this executor";

    public static DeliveryDecision of(TenantSettings tenant, ChannelSettings channel) {
        boolean send = !tenant.getDraftOnly() && channel != null && channel.getSendEnabled();
        return send ? SEND_NOT_ENABLED : DRAFT;
    }
}
