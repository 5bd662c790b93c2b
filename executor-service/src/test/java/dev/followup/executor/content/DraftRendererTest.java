package dev.followup.executor.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.executor.TestTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DraftRendererTest {

    private final DraftRenderer renderer = new DraftRenderer(null);

    @Test
    void builtInLeadFollowUpEmailGreetsTheContactByFirstName() {
        RenderedDraft draft = renderer.render(TestTasks.task("acme", "t1", Channel.EMAIL).build(), "UTC");
        assertThat(draft.subject()).isEqualTo("Following up on your interest, Ada");
        assertThat(draft.body()).startsWith("Hi Ada,");
    }

    @Test
    void theFirstNameIsTheFirstWordWhateverTheWhitespace() {
        for (String name : new String[] {"Ada Lovelace", "  Ada\tLovelace ", "Ada", "Ada\n  Byron Lovelace"}) {
            var task = TestTasks.task("acme", "t1", Channel.SMS).setBody("Hi {{firstName}}/{{contact.firstName}}")
                    .build();
            task.getContact().setName(name);
            assertThat(renderer.render(task, "UTC").body()).as(name).isEqualTo("Hi Ada/Ada");
        }
    }

    @Test
    void bookingCallShowsTheStartInTheLeadsTimeZone() {
        RenderedDraft draft = renderer.render(TestTasks.task("acme", "t1", Channel.CALL)
                .setReason(TaskReason.BOOKING).build(), "UTC");
        // 14:30Z is 14:30 GMT in London in November
        assertThat(draft.body()).isEqualTo("Call Ada Lovelace for the booked meeting at Friday 20 November 2026, 14:30 GMT.\n");
        assertThat(draft.subject()).isNull();
    }

    @Test
    void theTasksOwnSubjectAndBodyOverrideTheDefaultsAndSeeTheContext() {
        RenderedDraft draft = renderer.render(TestTasks.task("acme", "t1", Channel.EMAIL)
                .setSubject("Step {{stepNumber}} for {{contact.name}}")
                .setBody("Hello {{firstName}}, about {{context.product}} ({{product}})")
                .setStepIndex(1)
                .setContext(Map.of("product", "Widgets")).build(), "UTC");
        assertThat(draft.subject()).isEqualTo("Step 2 for Ada Lovelace");
        assertThat(draft.body()).isEqualTo("Hello Ada, about Widgets (Widgets)");
    }

    @Test
    void aMissingVariableIsATemplateFailureNamingIt() {
        assertThatThrownBy(() -> renderer.render(TestTasks.task("acme", "t1", Channel.SMS)
                .setBody("Hi {{contact.nickname}}").build(), "UTC"))
                .isInstanceOf(TemplateFailure.class)
                .hasMessageContaining("body").hasMessageContaining("nickname");
    }

    @Test
    void anUnknownTemplateIdIsATemplateFailure() {
        assertThatThrownBy(() -> renderer.render(TestTasks.task("acme", "t1", Channel.SMS)
                .setTemplateId("no-such-template").build(), "UTC"))
                .isInstanceOf(TemplateFailure.class)
                .hasMessageContaining("no-such-template");
    }

    @Test
    void aTenantTemplateDirectoryOverridesTheBuiltInDefault(@TempDir Path dir) throws IOException {
        Path sms = Files.createDirectories(dir.resolve("acme").resolve("sms"));
        Files.writeString(sms.resolve("lead_score.body.mustache"), "Acme here, {{contact.firstName}}!");
        DraftRenderer tenantAware = new DraftRenderer(dir);
        assertThat(tenantAware.render(TestTasks.task("acme", "t1", Channel.SMS).build(), "UTC").body())
                .isEqualTo("Acme here, Ada!");
        assertThat(tenantAware.render(TestTasks.task("globex", "t1", Channel.SMS).build(), "UTC").body())
                .startsWith("Hi Ada, thanks for your interest");
    }

    @Test
    void aNullOptionalFieldRendersEmptyNotAnError() {
        RenderedDraft draft = renderer.render(TestTasks.task("acme", "t1", Channel.SMS)
                .setBody("[{{bookingId}}]").build(), "UTC");
        assertThat(draft.body()).isEqualTo("[]");
    }
}
