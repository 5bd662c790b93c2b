package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Identifiers;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void idsAreDeterministicDistinctAndWithinTheContractAlphabet() {
        String max = "x".repeat(128);
        assertThat(TaskIds.leadScore("acme", "lead-1", 0)).isEqualTo(TaskIds.leadScore("acme", "lead-1", 0))
                .isNotEqualTo(TaskIds.leadScore("acme", "lead-1", 1))
                .isNotEqualTo(TaskIds.leadScore("globex", "lead-1", 0))
                .startsWith("ls-");
        assertThat(TaskIds.booking("acme", "lead-1", "bk-1", 0)).startsWith("bk-")
                .isNotEqualTo(TaskIds.booking("acme", "lead-1", "bk-2", 0));
        assertThat(TaskIds.manual("acme", "cmd-1")).startsWith("mt-");
        for (String id : new String[] {TaskIds.leadScore(max, max, 99), TaskIds.booking(max, max, max, 3),
                TaskIds.manual(max, max)}) {
            assertThat(Identifiers.isValid(id)).as(id).isTrue();
        }
    }
}
