package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.QuotaPolicy.Decision;
import dev.followup.scheduler.policy.QuotaPolicy.Defer;
import dev.followup.scheduler.policy.QuotaPolicy.Go;
import dev.followup.scheduler.policy.QuotaPolicy.Usage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaPolicyTest {

    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");

    /** Runs {@code n} tasks due at {@code now} through the policy, as the gate does, and returns the decisions. */
    private static List<Decision> run(TenantSettings settings, ZoneId zone, Instant now, int n, Usage[] usage) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Decision d = QuotaPolicy.decide(usage[0], settings, "acme", zone, now);
            usage[0] = d.usage();
            out.add(d);
        }
        return out;
    }

    @Test
    void theDaysQuotaDefersTheRestToTheStartOfTheNextDayInTheTenantsZoneWithOneAlert() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerDay(3).build();
        // 23:59 on Tuesday 2026-03-03 in Auckland (NZDT, UTC+13) is 10:59Z
        Instant now = Instant.parse("2026-03-03T10:59:00Z");
        List<Decision> decisions = run(s, AUCKLAND, now, 5, new Usage[] {Usage.NONE});

        assertThat(decisions.subList(0, 3)).allMatch(d -> d instanceof Go);
        Defer fourth = (Defer) decisions.get(3);
        Defer fifth = (Defer) decisions.get(4);
        assertThat(fourth.until()).as("Wednesday 00:00 NZDT").isEqualTo("2026-03-03T11:00:00Z");
        assertThat(fourth.limit()).isEqualTo(QuotaPolicy.Limit.PER_DAY);
        assertThat(fourth.alert()).hasValueSatisfying(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.QUOTA_EXHAUSTED);
            assertThat(a.getAlertId()).isEqualTo(QuotaPolicy.alertId("acme", LocalDate.parse("2026-03-03")));
            assertThat(a.getDetails()).containsEntry("limit", "maxTasksPerDay").containsEntry("max", "3")
                    .containsEntry("day", "2026-03-03").containsEntry("timezone", "Pacific/Auckland");
        });
        assertThat(fifth.alert()).as("one alert per tenant per day").isEmpty();
    }

    @Test
    void theCountStartsAgainOnTheNextDayAndMayAlertAgain() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerDay(1).build();
        Usage[] usage = {Usage.NONE};
        run(s, AUCKLAND, Instant.parse("2026-03-03T10:00:00Z"), 2, usage);
        List<Decision> nextDay = run(s, AUCKLAND, Instant.parse("2026-03-03T11:00:00Z"), 2, usage);
        assertThat(nextDay.get(0)).isInstanceOf(Go.class);
        assertThat(((Defer) nextDay.get(1)).alert()).hasValueSatisfying(a -> assertThat(a.getAlertId())
                .isEqualTo(QuotaPolicy.alertId("acme", LocalDate.parse("2026-03-04"))));
    }

    @Test
    void aBacklogIsSpreadOverTheFollowingMinutesInLimitSizedGroups() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerMinute(2).build();
        Instant now = Instant.parse("2026-03-03T10:00:30Z");
        List<Decision> decisions = run(s, ZoneId.of("UTC"), now, 7, new Usage[] {Usage.NONE});

        assertThat(decisions.subList(0, 2)).allMatch(d -> d instanceof Go);
        assertThat(decisions.subList(2, 7)).extracting(d -> ((Defer) d).until().toString()).containsExactly(
                "2026-03-03T10:01:00Z", "2026-03-03T10:01:00Z", "2026-03-03T10:02:00Z", "2026-03-03T10:02:00Z",
                "2026-03-03T10:03:00Z");
        assertThat(decisions.subList(2, 7)).extracting(d -> ((Defer) d).limit()).containsOnly(QuotaPolicy.Limit.PER_MINUTE);
    }

    @Test
    void theMinuteCountStartsAgainEachMinute() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerMinute(1).build();
        Usage[] usage = {Usage.NONE};
        assertThat(run(s, ZoneId.of("UTC"), Instant.parse("2026-03-03T10:00:59Z"), 1, usage).get(0)).isInstanceOf(Go.class);
        assertThat(run(s, ZoneId.of("UTC"), Instant.parse("2026-03-03T10:01:00Z"), 1, usage).get(0)).isInstanceOf(Go.class);
    }

    @Test
    void theDaysLimitWinsOverTheMinutesWhenBothAreReached() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerDay(1).setMaxTasksPerMinute(1)
                .build();
        List<Decision> decisions = run(s, ZoneId.of("UTC"), Instant.parse("2026-03-03T10:00:00Z"), 2, new Usage[] {Usage.NONE});
        assertThat(((Defer) decisions.get(1)).until()).isEqualTo("2026-03-04T00:00:00Z");
    }

    @Test
    void aLimitBelowOneIsNoLimit() {
        TenantSettings s = TenantSettings.newBuilder().setTenantId("acme").setMaxTasksPerDay(0).setMaxTasksPerMinute(0)
                .build();
        assertThat(run(s, ZoneId.of("UTC"), Instant.parse("2026-03-03T10:00:00Z"), 50, new Usage[] {Usage.NONE}))
                .allMatch(d -> d instanceof Go);
    }
}
