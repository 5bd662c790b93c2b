package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BookingRulesTest {

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    private DueTask callAfter(Instant expectedDue) {
        d.advanceTo(expectedDue.minusMillis(1));
        assertThat(d.emittedAll()).as("nothing before " + expectedDue).isEmpty();
        d.advance(Duration.ofMillis(1));
        List<DueTask> calls = d.emitted(Channel.CALL);
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }

    @Test
    void bookingScheduledCallsAtItsStartInKolkataPlus0530() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-03T10:00", "Asia/Kolkata");

        DueTask call = callAfter(Instant.parse("2026-03-03T04:30:00Z"));
        assertThat(call.getReason()).isEqualTo(TaskReason.BOOKING);
        assertThat(call.getBookingId()).isEqualTo("bk-1");
        assertThat(call.getTaskId()).isEqualTo(TaskIds.booking("acme", "lead-1", "bk-1", 0));
        assertThat(call.getContext()).containsEntry("bookingStart", "2026-03-03T10:00")
                .containsEntry("bookingTimezone", "Asia/Kolkata").containsEntry("bookingType", "demo");
    }

    @Test
    void dstGapInNewYorkShiftsForwardByTheGap() {
        // 2026-03-08 02:30 does not exist in New York (clocks jump 02:00 -> 03:00): 03:30 EDT = 07:30Z
        d.bookingScheduled("lead-1", "bk-1", "2026-03-08T02:30", "America/New_York");
        callAfter(Instant.parse("2026-03-08T07:30:00Z"));
    }

    @Test
    void dstOverlapInNewYorkTakesTheEarlierOffset() {
        // 2026-11-01 01:30 happens twice in New York: the first one, EDT (UTC-4) = 05:30Z
        d.bookingScheduled("lead-1", "bk-1", "2026-11-01T01:30", "America/New_York");
        callAfter(Instant.parse("2026-11-01T05:30:00Z"));
    }

    @Test
    void dstGapInLondonShiftsForwardByTheGap() {
        // 2026-03-29 01:30 does not exist in London (01:00 GMT -> 02:00 BST): 02:30 BST = 01:30Z
        d.bookingScheduled("lead-1", "bk-1", "2026-03-29T01:30", "Europe/London");
        callAfter(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void dstOverlapInLondonTakesTheEarlierOffset() {
        // 2026-10-25 01:30 happens twice in London: the first one, BST (UTC+1) = 00:30Z
        d.bookingScheduled("lead-1", "bk-1", "2026-10-25T01:30", "Europe/London");
        callAfter(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void abbreviatedTimeZonesAreDeadLetteredWithAClearReasonAndTheAppGoesOn() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-03T10:00", "EST");
        d.bookingScheduled("lead-1", "bk-2", "2026-03-03T10:00", "GST");
        d.bookingScheduled("lead-1", "bk-3", "2026-03-03T10:00", "Mars/Olympus_Mons");
        d.bookingScheduled("lead-1", "bk-4", "2026-03-02T14:00", "Europe/Paris");

        List<TestRecord<String, byte[]>> dlq = d.deadLetters(Topics.BOOKING_EVENTS);
        assertThat(dlq).hasSize(3);
        Map<String, String> headers = SchedulerDriver.headers(dlq.get(0));
        assertThat(headers.get(DeadLetters.ERROR)).contains("timezone 'EST'").contains("not an IANA time zone id");
        assertThat(headers).containsEntry(DeadLetters.SOURCE_TOPIC, Topics.BOOKING_EVENTS)
                .containsKeys(DeadLetters.ERROR_CLASS, DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET);
        assertThat(SchedulerDriver.headers(dlq.get(1)).get(DeadLetters.ERROR)).contains("timezone 'GST'");
        assertThat(SchedulerDriver.headers(dlq.get(2)).get(DeadLetters.ERROR)).contains("not a known IANA time zone");
        assertThat(dlq.get(0).key()).isEqualTo("acme:lead-1");
        assertThat(dlq.get(0).value()).startsWith((byte) 0xC3, (byte) 0x01);

        callAfter(Instant.parse("2026-03-02T13:00:00Z"));
    }

    @Test
    void invalidLocalStartIsDeadLettered() {
        d.bookingScheduled("lead-1", "bk-1", "next tuesday", "Europe/Paris");
        assertThat(SchedulerDriver.headers(d.deadLetters(Topics.BOOKING_EVENTS).get(0)).get(DeadLetters.ERROR))
                .contains("localStart 'next tuesday'");
    }

    @Test
    void bookingRescheduledMovesThePendingTask() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.bookingRescheduled("lead-1", "bk-1", "2026-03-02T16:00", "Europe/London");

        d.advanceTo(Instant.parse("2026-03-02T15:59:59.999Z"));
        assertThat(d.emittedAll()).as("the old time does not fire").isEmpty();
        DueTask call = callAfter(Instant.parse("2026-03-02T16:00:00Z"));
        assertThat(call.getTaskId()).isEqualTo(TaskIds.booking("acme", "lead-1", "bk-1", 0));
        assertThat(call.getContext()).containsEntry("bookingStart", "2026-03-02T16:00").containsEntry("bookingType", "demo");
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void bookingCanceledCancelsItsTasksOnly() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.bookingScheduled("lead-1", "bk-2", "2026-03-02T15:00", "UTC");
        d.bookingCanceled("lead-1", "bk-1");

        d.advance(Duration.ofDays(1));
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getBookingId).containsExactly("bk-2");
        assertThat(d.task(TaskIds.booking("acme", "lead-1", "bk-1", 0)).status()).isEqualTo(TaskStatus.CANCELED);
    }

    @Test
    void duplicatedBookingScheduledCreatesOneTask() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.advance(Duration.ofHours(3));
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.advance(Duration.ofHours(3));

        assertThat(d.emitted(Channel.CALL)).hasSize(1);
    }

    @Test
    void cancelArrivingAfterEmissionIsANoOp() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        DueTask call = callAfter(Instant.parse("2026-03-02T14:00:00Z"));
        d.bookingCanceled("lead-1", "bk-1");
        d.cancelTask("lead-1", call.getTaskId());

        assertThat(d.task(call.getTaskId()).status()).isEqualTo(TaskStatus.EMITTED);
        d.receipt(call, ReceiptStatus.DRAFTED);
        assertThat(d.task(call.getTaskId()).status()).isEqualTo(TaskStatus.DRAFTED);
    }

    @Test
    void rescheduleArrivingAfterEmissionDoesNotFireAgain() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        callAfter(Instant.parse("2026-03-02T14:00:00Z"));
        d.bookingRescheduled("lead-1", "bk-1", "2026-03-02T18:00", "UTC");
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void tenantBookingFollowUpsAreOffsetsFromTheStart() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setBookingFollowUps(List.of(
                new BookingFollowUp("-15m", Channel.SMS), new BookingFollowUp("0m", Channel.CALL),
                new BookingFollowUp("1h", Channel.EMAIL))).build());
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.advance(Duration.ofHours(4));

        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-02T13:45:00Z"));
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-02T14:00:00Z"));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-02T15:00:00Z"));
    }

    @Test
    void rescheduleAndCancelRaceBeforeTheStartLeavesNothingToFire() {
        d.bookingScheduled("lead-1", "bk-1", "2026-03-02T14:00", "UTC");
        d.bookingRescheduled("lead-1", "bk-1", "2026-03-02T15:00", "UTC");
        d.bookingCanceled("lead-1", "bk-1");
        d.advance(Duration.ofDays(1));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.dueIndexSize()).isZero();
    }
}
