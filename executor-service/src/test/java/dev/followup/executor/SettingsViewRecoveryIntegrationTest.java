package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static dev.followup.executor.ExecutorTestSupport.receiptsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tenant-settings view cannot read (its consumer is refused, on a real broker) when the executor starts: readiness
 * is OUT_OF_SERVICE and a webhook tenant's task waits instead of being drafted with the defaults into the local
 * outbox; the view restarts (1 s after each error), recovers, and the task goes to the tenant's webhook.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SettingsViewRecoveryIntegrationTest {

    private static final Path DATA = Path.of("target", "test-data", "recovery-" + UUID.randomUUID());
    private static final WebhookReceiver receiver = start();

    static {
        FailingFirstInterceptor.clientId = "followup-executor-tenant-settings";
        FailingFirstInterceptor.failing.set(true);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("spring.kafka.consumer.properties.interceptor.classes", FailingFirstInterceptor.class::getName);
        r.add("followup.executor.channels", () -> "SMS");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.secrets.test", () -> "test-webhook-secret");
        r.add("followup.executor.secrets.local", () -> "dev-webhook-secret");
        r.add("followup.grants.webhook-secrets.test", () -> "recover-wh");
        r.add("followup.webhooks.allowed-targets", () -> "127.0.0.0/8");
    }

    @Autowired
    TenantSettingsView view;

    @Autowired
    @Qualifier("listenersHealthIndicator")
    HealthIndicator readiness;

    private static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        FailingFirstInterceptor.failing.set(false);
        receiver.close();
    }

    @Test
    void whileTheSettingsViewCannotReadTheExecutorIsNotReadyAndDraftsNothingThenRecovers(TestKafka kafka) {
        String url = receiver.serve("/recover", n -> 200);
        kafka.send(Topics.TENANT_SETTINGS, "recover-wh", TenantSettings.newBuilder().setTenantId("recover-wh")
                .setChannels(Map.of("SMS", ChannelSettings.newBuilder().setWebhookUrl(url).setWebhookSecretRef("test")
                        .build())).build());
        publishTask(kafka, TestTasks.task("recover-wh", "recover-1", Channel.SMS).build());
        int before = FailingFirstInterceptor.failures.get();
        // two more refused starts: the view keeps retrying, and the task has been on its topic meanwhile
        await().atMost(Duration.ofSeconds(60)).until(() -> FailingFirstInterceptor.failures.get() >= before + 2);

        assertThat(view.current()).isFalse();
        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(readiness.health().getDetails()).containsEntry("tenantSettingsCurrent", false);
        assertThat(receiptsOf(kafka, "recover-1")).as("not drafted with the default settings").isEmpty();
        assertThat(DATA.resolve("outbox/recover-wh")).doesNotExist();

        FailingFirstInterceptor.failing.set(false);
        await().atMost(Duration.ofSeconds(60)).until(() -> readiness.health().getStatus().equals(Status.UP));
        Receipt receipt = awaitReceipt(kafka, "recover-1");

        assertThat(view.current()).isTrue();
        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getProvider()).isEqualTo("webhook");
        assertThat(receiver.requests("/recover")).hasSize(1);
        assertThat(DATA.resolve("outbox/recover-wh")).doesNotExist();
    }
}
