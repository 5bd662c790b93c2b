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

    private final DraftRenderer renderer = new DraftRenderer(null, 100);

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
        DraftRenderer tenantAware = new DraftRenderer(dir, 100);
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

    /** A task written straight to the due-task topic, bypassing the scheduler's checks, cannot read another tenant's files. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"../../globex/email/secret", "../globex", "..", "a/b",
            "/etc/passwd", "globex/../../x", "..\\globex"})
    void aTemplateIdThatIsNotAnIdentifierNeverReachesTheFileSystem(String templateId, @TempDir Path dir) throws IOException {
        Path globex = Files.createDirectories(dir.resolve("globex").resolve("email"));
        Files.writeString(globex.resolve("secret.body.mustache"), "globex's private template");
        Files.writeString(globex.resolve("secret.subject.mustache"), "globex's private subject");
        DraftRenderer tenantAware = new DraftRenderer(dir, 100);

        assertThatThrownBy(() -> tenantAware.render(TestTasks.task("acme", "t1", Channel.EMAIL)
                .setTemplateId(templateId).build(), "UTC"))
                .isInstanceOf(TemplateFailure.class)
                .hasMessageContaining("templateId")
                .hasMessageContaining("is not a valid identifier")
                .hasMessageNotContaining("globex's private");
    }

    @Test
    void aTenantIdThatIsNotAnIdentifierIsRefusedBeforeAnyLookup(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("globex").resolve("sms"));
        Files.writeString(dir.resolve("globex").resolve("sms").resolve("lead_score.body.mustache"), "globex only");
        DraftRenderer tenantAware = new DraftRenderer(dir, 100);

        assertThatThrownBy(() -> tenantAware.render(TestTasks.task("../globex", "t1", Channel.SMS).build(), "UTC"))
                .isInstanceOf(TemplateFailure.class).hasMessageContaining("tenantId");
        assertThat(tenantAware.render(TestTasks.task("globex", "t1", Channel.SMS).build(), "UTC").body())
                .isEqualTo("globex only");
    }

    @Test
    void theBuiltInTemplateCacheStaysWithinItsBound() {
        DraftRenderer small = new DraftRenderer(null, 5);
        for (int i = 0; i < 50; i++) {
            String id = "unknown-" + i;
            assertThatThrownBy(() -> small.render(TestTasks.task("acme", "t1", Channel.SMS).setTemplateId(id).build(), "UTC"))
                    .isInstanceOf(TemplateFailure.class);
        }
        small.render(TestTasks.task("acme", "t1", Channel.SMS).build(), "UTC");
        assertThat(small.cachedTemplates()).isLessThanOrEqualTo(5).isPositive();
    }
}
