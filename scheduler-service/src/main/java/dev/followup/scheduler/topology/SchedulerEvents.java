package dev.followup.scheduler.topology;

import dev.followup.events.v1.Channel;
import java.time.Duration;

/** What the topology reports to the outside (metrics); the Spring app passes a Micrometer implementation. */
public interface SchedulerEvents {

    SchedulerEvents NONE = new SchedulerEvents() {
    };

    default void taskEmitted(Channel channel, Duration firingLag) {
    }

    default void taskCanceled(Channel channel) {
    }

    default void deadLettered(String sourceTopic) {
    }
}
