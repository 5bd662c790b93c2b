package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import java.util.EnumSet;
import java.util.Set;

/** Which open tasks of a lead an event cancels, and why. */
public record Cancellation(Set<TaskReason> sources, Set<Channel> channels, String reason) {

    public static Cancellation all(String reason) {
        return new Cancellation(EnumSet.allOf(TaskReason.class), EnumSet.allOf(Channel.class), reason);
    }

    public static Cancellation sources(Set<TaskReason> sources, String reason) {
        return new Cancellation(sources, EnumSet.allOf(Channel.class), reason);
    }

    public static Cancellation channel(Channel channel, String reason) {
        return new Cancellation(EnumSet.allOf(TaskReason.class), EnumSet.of(channel), reason);
    }

    /**
     * Whether it also ends the lead's sequence enrollments: when it cancels sequence tasks on every channel
     * (engaged, opted out, erased, cancel-all). A narrower one (a bounced email) ends an enrollment only if it
     * cancels that enrollment's pending step.
     */
    public boolean endsEnrollments() {
        return sources.contains(TaskReason.SEQUENCE) && channels.containsAll(EnumSet.allOf(Channel.class));
    }

    public boolean matches(ScheduledTask task) {
        return task.status().isOpen() && sources.contains(task.source()) && channels.contains(task.channel());
    }
}
