package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The tenant boundary on {@code followup.tenant-settings.v1}: a record only ever sets the settings of the tenant its
 * key names, and only when its value names the same tenant.
 */
class TenantSettingsRulesTest {

    /** acme's own settings: one CALL ten minutes after a qualifying score, any day, any hour. */
    private static final TenantSettings ACME = TenantSettings.newBuilder().setTenantId("acme")
            .setLeadFollowUps(List.of(new LeadFollowUp("10m", Channel.CALL)))
            .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).build();

    /** Settings naming globex that would switch automatic follow-ups off wherever they land. */
    private static final TenantSettings GLOBEX_OFF = TenantSettings.newBuilder().setTenantId("globex")
            .setAutoEnabled(false).build();

    private static KeyValueStore<String, TenantSettings> store(SchedulerDriver d) {
        return d.driver.getKeyValueStore(SchedulerTopology.TENANT_SETTINGS_STORE);
    }

    private static List<DueTask> followUpsOfAQualifyingScore(SchedulerDriver d, String tenantId, String leadId) {
        d.leadEventOf(tenantId, leadId, d.now(), new LeadScored(0.9));
        d.advance(Duration.ofMinutes(31));
        return d.emittedAll();
    }

    @Test
    void aRecordWithAnUnknownHolidayCalendarIsSkippedAndTheTenantKeepsItsLastGoodSettings() {
        PoisonInputRulesTest.CountingEvents events = new PoisonInputRulesTest.CountingEvents();
        try (SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), events)) {
            d.tenantSettingsRecord("acme", ACME);
            d.tenantSettingsRecord("acme", TenantSettings.newBuilder(ACME).setHolidayCalendar("XX").build());
            d.tenantSettingsRecord("acme", TenantSettings.newBuilder(ACME)
                    .setBlackoutDates(List.of("2026-13-01")).build());

            assertThat(store(d).get("acme")).isEqualTo(ACME);
            assertThat(events.settingsRejected).containsExactlyEntriesOf(java.util.Map.of("invalid_value", 2));
            assertThat(followUpsOfAQualifyingScore(d, "acme", "lead-a")).as("nothing is dead-lettered, acme's "
                    + "settings apply").singleElement().extracting(DueTask::getChannel).isEqualTo(Channel.CALL);
        }
    }

    @Test
    void aRecordKeyedAcmeNamingGlobexChangesNeitherTenantAndTheValidOneStillApplies() {
        PoisonInputRulesTest.CountingEvents events = new PoisonInputRulesTest.CountingEvents();
        try (SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), events)) {
            d.tenantSettingsRecord("acme", ACME);
            d.tenantSettingsRecord("acme", GLOBEX_OFF);

            assertThat(store(d).get("acme")).as("acme keeps its own record").isEqualTo(ACME);
            assertThat(store(d).get("globex")).as("globex gets nothing from a record keyed acme").isNull();
            assertThat(events.settingsRejected).containsExactlyEntriesOf(java.util.Map.of("key_mismatch", 1));

            assertThat(followUpsOfAQualifyingScore(d, "acme", "lead-a")).as("acme's valid settings apply")
                    .singleElement().satisfies(t -> {
                        assertThat(t.getChannel()).isEqualTo(Channel.CALL);
                        assertThat(t.getDueAt()).isEqualTo(START.plus(Duration.ofMinutes(10)));
                    });
            assertThat(followUpsOfAQualifyingScore(d, "globex", "lead-g"))
                    .as("globex keeps the contract defaults (30 min EMAIL), not autoEnabled=false")
                    .extracting(DueTask::getChannel, DueTask::getTenantId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Channel.EMAIL, "globex"));
        }
    }

    @Test
    void aRecordWithAnInvalidKeyIsSkippedAndItsTombstoneIgnored() {
        PoisonInputRulesTest.CountingEvents events = new PoisonInputRulesTest.CountingEvents();
        try (SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), events)) {
            TenantSettings pathLike = TenantSettings.newBuilder(GLOBEX_OFF).setTenantId("../globex").build();
            d.tenantSettingsRecord("../globex", pathLike);
            d.tenantSettingsRecord("../globex", null);
            d.tenantSettingsRecord("acme:lead-1", null);

            assertThat(store(d).get("../globex")).isNull();
            assertThat(events.settingsRejected).containsExactlyEntriesOf(java.util.Map.of("invalid_key", 1));
            d.tenantSettingsRecord("acme", ACME);
            assertThat(store(d).get("acme")).as("the next record is applied").isEqualTo(ACME);
        }
    }

    @Test
    void aStoredValueNamingAnotherTenantReadsAsNoRecord() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            // as a store written before the updater checked keys could hold it (restored from its checkpoint)
            store(d).put("globex", TenantSettings.newBuilder(ACME).setAutoEnabled(false).build());

            assertThat(SchedulerTopology.settingsOf(store(d), "globex"))
                    .isEqualTo(TenantSettings.newBuilder().setTenantId("globex").build());
            assertThat(followUpsOfAQualifyingScore(d, "globex", "lead-g")).extracting(DueTask::getChannel)
                    .as("the defaults, not the stored autoEnabled=false").containsExactly(Channel.EMAIL);
        }
    }
}
