package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.LeadProfile;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What a rule reads about a lead besides its tasks: its profile ({@value SchedulerTopology#LEAD_PROFILES_STORE}) and
 * its tenant's settings (the global {@value SchedulerTopology#TENANT_SETTINGS_STORE}, or the contract defaults).
 */
final class LeadState {

    private final KeyValueStore<String, LeadProfile> profiles;
    private final ReadOnlyKeyValueStore<String, TenantSettings> tenantSettings;

    LeadState(KeyValueStore<String, LeadProfile> profiles, ReadOnlyKeyValueStore<String, TenantSettings> tenantSettings) {
        this.profiles = profiles;
        this.tenantSettings = tenantSettings;
    }

    /** The lead's profile, {@link LeadProfile#UNKNOWN} for a lead never captured. */
    LeadProfile profile(LeadKey key) {
        LeadProfile profile = profiles.get(key.toString());
        return profile == null ? LeadProfile.UNKNOWN : profile;
    }

    /** The stored profile of a task's lead, or null (the firing path: a due task needs no default). */
    LeadProfile storedProfile(String tenantId, String leadId) {
        return profiles.get(LeadKey.of(tenantId, leadId).toString());
    }

    void putProfile(LeadKey key, LeadProfile profile) {
        profiles.put(key.toString(), profile);
    }

    /**
     * Forgets an inactive lead's profile: its blocks and pause stay as a suppression entry without contact data
     * ({@link LeadProfile#suppressionOnly}), anything else goes. Whether the store changed.
     */
    boolean purgeProfile(String leadKey) {
        LeadProfile profile = profiles.get(leadKey);
        if (profile == null) {
            return false;
        }
        LeadProfile kept = profile.suppressionOnly();
        if (profile.equals(kept)) {
            return false;
        }
        profiles.put(leadKey, kept);
        return true;
    }

    TenantSettings settingsOf(String tenantId) {
        return SchedulerTopology.settingsOf(tenantSettings, tenantId);
    }
}
