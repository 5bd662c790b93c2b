package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.scheduler.policy.TaskIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lead journey the ops console shows: what is recorded, in which order, without contact data, bounded. */
class JourneyRulesTest {

    // 250 open tasks of one lead in aLeadKeepsItsNewest200Entries: above the default cap of 200
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults().withMaxOpenTasksPerLead(1000));

    @AfterEach
    void close() {
        d.close();
    }

    private List<byte[]> rawJourney(String leadId) {
        KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(SchedulerTopology.JOURNEY_STORE);
        List<byte[]> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(SchedulerDriver.key(leadId) + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    /** The stored values as text (Smile keeps strings as UTF-8 bytes, so any contact data would show). */
    private String rawJourneyText(String leadId) {
        return String.join("\n", rawJourney(leadId).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
    }

    /** The journey as the API shows it. */
    private List<JourneyEntry> journey(String leadId) {
        return JourneyReader.read(d.driver.getKeyValueStore(SchedulerTopology.JOURNEY_STORE),
                d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE),
                d.driver.getKeyValueStore(SchedulerTopology.TASKS_STORE), SchedulerDriver.key(leadId));
    }

    @Test
    void journeyKeysSortByTimeAndMatchTheDocumentedLayout() {
        for (long millis : new long[] {0, 1, 0xabcL, START.toEpochMilli(), Long.MAX_VALUE}) {
            assertThat(JourneyRecorder.key("acme:l-1/", millis, 2, "t-9/emitted/1"))
                    .isEqualTo("acme:l-1/" + String.format("%016x/%d/", millis, 2) + "t-9/emitted/1");
        }
        assertThat(JourneyRecorder.key("p/", 255, 0, "r")).isLessThan(JourneyRecorder.key("p/", 256, 0, "r"));
    }

    @Test
    void receiptEntriesAreToldByTheirKeyAlone() {
        long at = START.toEpochMilli();
        assertThat(JourneyReader.isReceipt(JourneyRecorder.key("acme:l-1/", at, JourneyRecorder.RECEIPT_RANK, "t-3/2")))
                .isTrue();
        for (int rank : new int[] {0, 1, JourneyRecorder.EMITTED_RANK}) {
            assertThat(JourneyReader.isReceipt(JourneyRecorder.key("acme:l-1/", at, rank, "t-3/3"))).isFalse();
        }
        assertThat(JourneyReader.isReceipt("acme:l-1/short")).isFalse();
    }

    @Test
    void aBookedLeadsJourneyReadsInTimeOrderFromCaptureToReceipt() {
        d.capturedIn("lead-1", "America/New_York");
        d.advance(Duration.ofSeconds(1));
        // 2026-03-02 08:00 in New York is 13:00 UTC, an hour after START
        d.bookingEvent("lead-1", "bk-1", d.now(), BookingScheduled.newBuilder().setLocalStart("2026-03-02T08:00")
                .setTimezone("America/New_York").build());
        d.advanceTo(START.plus(Duration.ofHours(1)).plusMillis(300));
        List<DueTask> calls = d.emitted(Channel.CALL);
        assertThat(calls).hasSize(1);
        d.advance(Duration.ofSeconds(2));
        d.receipt(calls.get(0), ReceiptStatus.DRAFTED);

        List<JourneyEntry> journey = journey("lead-1");
        assertThat(journey).extracting(JourneyEntry::type, JourneyEntry::what).containsExactly(
                org.assertj.core.groups.Tuple.tuple("event", "captured"),
                org.assertj.core.groups.Tuple.tuple("event", "booking scheduled"),
                org.assertj.core.groups.Tuple.tuple("task", "scheduled"),
                org.assertj.core.groups.Tuple.tuple("task", "emitted"),
                org.assertj.core.groups.Tuple.tuple("receipt", "DRAFTED"));
        assertThat(journey).extracting(JourneyEntry::at).isSorted();
        JourneyEntry receipt = journey.get(4);
        assertThat(receipt.taskId()).isEqualTo(calls.get(0).getTaskId());
        assertThat(receipt.attempt()).isEqualTo(1);
        assertThat(receipt.provider()).isEqualTo("test");
        assertThat(receipt.latencyMs()).isGreaterThanOrEqualTo(2_000);
        assertThat(journey.get(3).lagMs()).isBetween(0L, 1_000L);
        assertThat(journey.get(1).detail()).isEqualTo("bk-1 at 2026-03-02T08:00 America/New_York");
        assertThat(rawJourneyText("lead-1")).as("no contact data in the journey")
                .doesNotContain("Ada").doesNotContain("@example.com").doesNotContain("null");
    }

    @Test
    void anErasureLeavesNoFreeTextOfTheLeadsEventsInItsJourney() {
        d.capturedIn("lead-1", "Europe/Paris");
        d.bookingEvent("lead-1", "bk-1", d.now(), BookingScheduled.newBuilder().setLocalStart("2026-03-09T10:00")
                .setTimezone("Europe/Paris").build());
        d.advance(Duration.ofSeconds(1));
        d.bookingEvent("lead-1", "bk-1", d.now(), dev.followup.events.v1.BookingCanceled.newBuilder()
                .setReason("moving to a rival, divorce pending").build());
        assertThat(rawJourneyText("lead-1")).as("before the erasure the console shows why").contains("divorce pending");

        d.advance(Duration.ofSeconds(1));
        d.erased("lead-1", d.now());
        d.advance(Duration.ofSeconds(1));
        d.bookingEvent("lead-1", "bk-2", d.now(), dev.followup.events.v1.BookingCanceled.newBuilder()
                .setReason("asked again after erasure").build());

        List<JourneyEntry> journey = journey("lead-1");
        assertThat(journey).extracting(JourneyEntry::what).contains("booking canceled", "erased");
        assertThat(journey).filteredOn(e -> "booking canceled".equals(e.what())).extracting(JourneyEntry::detail)
                .containsExactly("bk-1", "bk-2");
        assertThat(rawJourneyText("lead-1")).doesNotContain("divorce").doesNotContain("asked again");
    }

    @Test
    void aDeadTaskRetriedShowsTheRetryAndTheNewAttempt() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plusSeconds(5));
        d.advanceTo(START.plusSeconds(6));
        DueTask first = d.emitted(Channel.SMS).get(0);
        d.receipt(first, ReceiptStatus.DEAD);
        d.advance(Duration.ofSeconds(1));
        d.retryTask("cmd-retry", "lead-1", TaskIds.manual("acme", "cmd-1"), null);
        d.advance(Duration.ofSeconds(1));
        DueTask second = d.emitted(Channel.SMS).get(0);
        d.receipt(second, ReceiptStatus.DRAFTED);

        assertThat(journey("lead-1")).extracting(JourneyEntry::what, JourneyEntry::attempt).containsExactly(
                org.assertj.core.groups.Tuple.tuple("scheduled", 1),
                org.assertj.core.groups.Tuple.tuple("emitted", 1),
                org.assertj.core.groups.Tuple.tuple("DEAD", 1),
                org.assertj.core.groups.Tuple.tuple("retry", null),
                org.assertj.core.groups.Tuple.tuple("retry scheduled", 2),
                org.assertj.core.groups.Tuple.tuple("emitted", 2),
                org.assertj.core.groups.Tuple.tuple("DRAFTED", 2));
    }

    @Test
    void anEmissionIsToldByTheTaskUntilItsReceiptAndFiringStoresNothing() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plusSeconds(5));
        int stored = rawJourney("lead-1").size();
        d.advanceTo(START.plusSeconds(6));
        DueTask due = d.emitted(Channel.SMS).get(0);
        assertThat(rawJourney("lead-1")).as("the firing path writes no journey entry").hasSize(stored);
        assertThat(journey("lead-1")).extracting(JourneyEntry::what, JourneyEntry::attempt, JourneyEntry::at).containsExactly(
                org.assertj.core.groups.Tuple.tuple("scheduled", 1, START),
                org.assertj.core.groups.Tuple.tuple("emitted", 1, due.getEmittedAt()));
        // the executor's own retries report attempt 3 of the emitted attempt 1
        d.advance(Duration.ofSeconds(4));
        d.receipt(due, ReceiptStatus.DEAD, 3);
        List<JourneyEntry> journey = journey("lead-1");
        assertThat(journey).extracting(JourneyEntry::what, JourneyEntry::attempt).containsExactly(
                org.assertj.core.groups.Tuple.tuple("scheduled", 1),
                org.assertj.core.groups.Tuple.tuple("emitted", 1),
                org.assertj.core.groups.Tuple.tuple("DEAD", 3));
        assertThat(journey.get(1).at()).isEqualTo(due.getEmittedAt());
        assertThat(journey.get(1).lagMs()).isEqualTo(Duration.between(due.getDueAt(), due.getEmittedAt()).toMillis());
        assertThat(journey.get(1).dueAt()).isEqualTo(due.getDueAt());
        assertThat(journey.get(1).channel()).isEqualTo("SMS");
    }

    @Test
    void aScheduleTaskThatChangesNothingIsRecordedAsARequest() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plusSeconds(60));
        d.advance(Duration.ofSeconds(1));
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plusSeconds(60));
        assertThat(journey("lead-1")).extracting(JourneyEntry::type, JourneyEntry::what).containsExactly(
                org.assertj.core.groups.Tuple.tuple("task", "scheduled"),
                org.assertj.core.groups.Tuple.tuple("command", "task requested"));
    }

    @Test
    void aLeadKeepsItsNewest200Entries() {
        Instant firstIssued = d.now();
        for (int i = 0; i < 250; i++) {
            d.scheduleTask("cmd-" + i, "lead-1", Channel.EMAIL, START.plus(Duration.ofDays(3)));
            d.advance(Duration.ofMillis(10));
        }
        List<JourneyEntry> journey = journey("lead-1");
        assertThat(journey).hasSize(JourneyRecorder.MAX_ENTRIES);
        assertThat(journey.get(0).at()).isAfter(firstIssued);
        assertThat(rawJourney("lead-1")).hasSize(JourneyRecorder.MAX_ENTRIES);
        assertThat(journey.get(journey.size() - 1).taskId()).isEqualTo(TaskIds.manual("acme", "cmd-249"));
        assertThat(journey("lead-2")).isEmpty();
    }

    @Test
    void theMailboxLoopsObservationsReadAsAPersonSawThem() {
        d.engaged("lead-1", START, dev.followup.events.v1.EngagementKind.REPLIED);
        d.engaged("lead-2", START, dev.followup.events.v1.EngagementKind.BOUNCED);
        d.engaged("lead-3", START, dev.followup.events.v1.EngagementKind.OPTED_OUT);
        d.engaged("lead-4", START, dev.followup.events.v1.EngagementKind.BOOKED);
        assertThat(journey("lead-1")).extracting(JourneyEntry::what).containsExactly("reply received");
        assertThat(journey("lead-2")).extracting(JourneyEntry::what).containsExactly("bounced");
        assertThat(journey("lead-3")).extracting(JourneyEntry::what).containsExactly("unsubscribed");
        assertThat(journey("lead-4")).extracting(JourneyEntry::what).containsExactly("booked");
    }
}
