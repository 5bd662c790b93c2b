package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BookingFollowUpPolicyTest {

    @Test
    void localStartInKolkataIsFiveAndAHalfHoursAheadOfUtc() {
        assertThat(BookingFollowUpPolicy.startOf("2026-03-03T10:00", "Asia/Kolkata"))
                .isEqualTo(Instant.parse("2026-03-03T04:30:00Z"));
    }

    @Test
    void dstGapInNewYorkMovesForwardByTheGap() {
        assertThat(BookingFollowUpPolicy.startOf("2026-03-08T02:30", "America/New_York"))
                .isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
    }

    @Test
    void dstOverlapInNewYorkTakesTheEarlierOffset() {
        assertThat(BookingFollowUpPolicy.startOf("2026-11-01T01:30", "America/New_York"))
                .isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
    }

    @Test
    void dstGapInLondonMovesForwardByTheGap() {
        assertThat(BookingFollowUpPolicy.startOf("2026-03-29T01:30", "Europe/London"))
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void dstOverlapInLondonTakesTheEarlierOffset() {
        assertThat(BookingFollowUpPolicy.startOf("2026-10-25T01:30", "Europe/London"))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void abbreviationsAndOffsetsAreRejectedNotGuessed() {
        for (String zone : List.of("EST", "GST", "IST", "+05:30", "GMT+1")) {
            assertThatThrownBy(() -> BookingFollowUpPolicy.startOf("2026-03-03T10:00", zone))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("timezone '" + zone + "' is not an IANA time zone id");
        }
        assertThat(BookingFollowUpPolicy.startOf("2026-03-03T10:00", "UTC")).isEqualTo(Instant.parse("2026-03-03T10:00:00Z"));
    }

    @Test
    void unknownZonesAndBadLocalTimesNameTheFieldAndValue() {
        assertThatThrownBy(() -> BookingFollowUpPolicy.startOf("2026-03-03T10:00", "Europe/Atlantis"))
                .hasMessageStartingWith("timezone 'Europe/Atlantis' is not a known IANA time zone id");
        assertThatThrownBy(() -> BookingFollowUpPolicy.startOf("2026-02-30T10:00", "Europe/Paris"))
                .hasMessageContaining("localStart '2026-02-30T10:00'");
    }

    @Test
    void followUpsAreOffsetsFromTheStartWithStableIds() {
        TenantSettings settings = TenantSettings.newBuilder().setTenantId("acme").setBookingFollowUps(List.of(
                new BookingFollowUp("-15m", Channel.SMS), new BookingFollowUp("0m", Channel.CALL))).build();
        Instant start = Instant.parse("2026-03-03T10:00:00Z");

        List<ScheduledTask> tasks = BookingFollowUpPolicy.followUps(settings, "acme", "lead-1", "bk-1", start, Map.of());

        assertThat(tasks).extracting(ScheduledTask::dueAt)
                .containsExactly(Instant.parse("2026-03-03T09:45:00Z"), start);
        assertThat(tasks).extracting(ScheduledTask::taskId).containsExactly(
                TaskIds.booking("acme", "lead-1", "bk-1", 0), TaskIds.booking("acme", "lead-1", "bk-1", 1));
        assertThat(tasks).allMatch(t -> t.source() == TaskReason.BOOKING && t.bookingId().equals("bk-1"));
    }

    private static ScheduledTask followUp(String bookingId, Channel channel) {
        Instant at = Instant.parse("2026-03-03T10:00:00Z");
        return ScheduledTask.pending("bk-" + bookingId + "-" + channel, "acme", "lead-1", TaskReason.BOOKING, channel,
                at, at, bookingId, null, Map.of());
    }

    @Test
    void aCanceledBookingCancelsEveryOpenFollowUpOfThatBookingOnAnyChannel() {
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", followUp("bk-1", Channel.CALL))).isTrue();
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", followUp("bk-1", Channel.SMS))).isTrue();
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", followUp("bk-1", Channel.SMS)
                .withStatus(TaskStatus.HELD, Instant.parse("2026-03-03T09:00:00Z"), "lead paused")))
                .as("a held follow-up is open too").isTrue();
    }

    @Test
    void aCanceledBookingLeavesOtherBookingsAndTasksThatAlreadyRan() {
        Instant at = Instant.parse("2026-03-03T10:00:00Z");
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", followUp("bk-2", Channel.CALL))).isFalse();
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", followUp("bk-1", Channel.CALL).emitted(at))).isFalse();
        assertThat(BookingFollowUpPolicy.canceledWith("bk-1", ScheduledTask.pending("ls-1", "acme", "lead-1",
                TaskReason.LEAD_SCORE, Channel.EMAIL, at, at, null, null, Map.of()))).as("no booking").isFalse();
    }
}
