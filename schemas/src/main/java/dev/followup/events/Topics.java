package dev.followup.events;

import dev.followup.events.v1.Channel;
import java.util.List;
import java.util.Locale;

/** The Kafka topics of the contract (docs/design.md §3), in one place. */
public final class Topics {

    public static final String LEAD_EVENTS = "followup.lead-events.v1";
    public static final String BOOKING_EVENTS = "followup.booking-events.v1";
    public static final String COMMANDS = "followup.commands.v1";
    public static final String TENANT_SETTINGS = "followup.tenant-settings.v1";
    public static final String SEQUENCES = "followup.sequences.v1";
    public static final String DUE_TASKS_EMAIL = "followup.due-tasks.email.v1";
    public static final String DUE_TASKS_SMS = "followup.due-tasks.sms.v1";
    public static final String DUE_TASKS_CALL = "followup.due-tasks.call.v1";
    public static final String RECEIPTS = "followup.receipts.v1";
    public static final String ALERTS = "followup.alerts.v1";

    /** Suffix of a dead-letter topic: poison records of {@code t} go to {@code t + DLQ_SUFFIX}. */
    public static final String DLQ_SUFFIX = ".dlq";

    /** Default partition count of every lead-scoped topic; all of them must have the same (co-partitioning). */
    public static final int DEFAULT_PARTITIONS = 6;

    /** How a topic is keyed and kept. */
    public enum KeyFormat { LEAD, TENANT, SEQUENCE }

    /** A topic to provision: its name, how it is keyed, whether it is compacted and whether it has a DLQ. */
    public record Spec(String name, KeyFormat key, boolean compacted, boolean hasDeadLetterTopic) {
        public String deadLetterTopic() {
            return dlq(name);
        }
    }

    private static final List<Spec> CONTRACT = List.of(
            new Spec(LEAD_EVENTS, KeyFormat.LEAD, false, true),
            new Spec(BOOKING_EVENTS, KeyFormat.LEAD, false, true),
            new Spec(COMMANDS, KeyFormat.LEAD, false, true),
            new Spec(TENANT_SETTINGS, KeyFormat.TENANT, true, true),
            new Spec(SEQUENCES, KeyFormat.SEQUENCE, true, true),
            new Spec(DUE_TASKS_EMAIL, KeyFormat.LEAD, false, true),
            new Spec(DUE_TASKS_SMS, KeyFormat.LEAD, false, true),
            new Spec(DUE_TASKS_CALL, KeyFormat.LEAD, false, true),
            new Spec(RECEIPTS, KeyFormat.LEAD, false, true),
            new Spec(ALERTS, KeyFormat.TENANT, false, false));

    private Topics() {
    }

    /** Every topic of the contract, without the dead-letter topics. */
    public static List<Spec> contract() {
        return CONTRACT;
    }

    /** Every topic name to create: the contract topics and their dead-letter topics. */
    public static List<String> allNames() {
        return CONTRACT.stream()
                .flatMap(s -> s.hasDeadLetterTopic() ? java.util.stream.Stream.of(s.name(), s.deadLetterTopic())
                        : java.util.stream.Stream.of(s.name()))
                .toList();
    }

    /** Whether {@code topic} is compacted (its dead-letter topic never is). */
    public static boolean isCompacted(String topic) {
        return CONTRACT.stream().anyMatch(s -> s.compacted() && s.name().equals(topic));
    }

    /** The due-task topic of a channel: {@code followup.due-tasks.<channel>.v1}. */
    public static String dueTasks(Channel channel) {
        return "followup.due-tasks." + channel.name().toLowerCase(Locale.ROOT) + ".v1";
    }

    /** The dead-letter topic of {@code topic}. */
    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
