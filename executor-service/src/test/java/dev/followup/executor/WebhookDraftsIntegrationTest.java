package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.assertSignedWith;
import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.awaitReceipts;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static dev.followup.executor.ExecutorTestSupport.receiptsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SMS and call drafts against a real local HTTP server: signatures, retries with backoff, DEAD + DLQ, timeouts. */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WebhookDraftsIntegrationTest {

    private static final String SECRET = "test-webhook-secret";
    private static final Path DATA = Path.of("target", "test-data", "webhook-" + UUID.randomUUID());
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final WebhookReceiver receiver = WebhookReceiver.started();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "SMS,CALL");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.secrets.test", () -> SECRET);
        r.add("followup.executor.secrets.local", () -> "dev-webhook-secret");
        r.add("followup.grants.webhook-secrets.test",
                () -> "wh-ok,wh-flaky,wh-down,wh-bad,wh-hang,wh-drop,wh-moved,wh-huge,wh-held");
        // the receiver listens on loopback, which production refuses
        r.add("followup.webhooks.allowed-targets", () -> "127.0.0.0/8");
        r.add("followup.executor.webhook.read-timeout", () -> "3s");
        r.add("followup.executor.channel.sms.initial-backoff", () -> "100ms");
        r.add("followup.executor.channel.call.initial-backoff", () -> "100ms");
    }

    @Autowired
    TenantSettingsView view;

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void theWebhookReceivesOneCorrectlySignedDraft(TestKafka kafka) throws Exception {
        String url = receiver.serve("/ok", n -> 200);
        useWebhook(kafka, "wh-ok", Channel.SMS, url, ChannelSettings.newBuilder());

        publishTask(kafka, TestTasks.task("wh-ok", "ok-1", Channel.SMS).setReason(TaskReason.BOOKING).build());
        Receipt receipt = awaitReceipt(kafka, "ok-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getProvider()).isEqualTo("webhook");
        assertThat(receipt.getProviderRef()).isEqualTo("draft-1");
        assertThat(receipt.getLink()).isEqualTo("https://crm.example/d/1");
        WebhookReceiver.Received request = receiver.requests("/ok").get(0);
        assertThat(request.header("Idempotency-Key")).isEqualTo("ok-1");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertSignedWith(SECRET, request.header("X-Followup-Signature"), request.body());
        JsonNode draft = JSON.readTree(request.body());
        assertThat(draft.get("taskId").asString()).isEqualTo("ok-1");
        assertThat(draft.get("to").get("phone").asString()).isEqualTo("+15551234567");
        assertThat(draft.get("body").asString()).isEqualTo(
                "Hi Ada, a reminder of our meeting at 14:30 (Europe/London) on 2026-11-20.\n");
    }

    @Test
    void twoServerErrorsThenSuccessGiveOneDraftedReceiptAtAttemptThreeAfterTheDefaultBackoff(TestKafka kafka) {
        String url = receiver.serve("/flaky", n -> n <= 2 ? 500 : 200);
        // the tenant's channel settings carry the contract defaults: 5 attempts, 1s initial backoff
        useWebhook(kafka, "wh-flaky", Channel.SMS, url, ChannelSettings.newBuilder());

        publishTask(kafka, TestTasks.task("wh-flaky", "flaky-1", Channel.SMS).build());
        Receipt receipt = awaitReceipt(kafka, "flaky-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getAttempt()).isEqualTo(3);
        assertThat(receiptsOf(kafka, "flaky-1")).hasSize(1);
        List<WebhookReceiver.Received> requests = receiver.requests("/flaky");
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.header("Idempotency-Key")).containsOnly("flaky-1");
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(requests.get(1).at(), requests.get(2).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aReceiverThatAlwaysFailsYieldsDeadAndTheOriginalRecordOnTheDlq(TestKafka kafka) {
        String url = receiver.serve("/down", n -> 503);
        useWebhook(kafka, "wh-down", Channel.CALL, url,
                ChannelSettings.newBuilder().setMaxAttempts(3).setInitialBackoff("PT0.1S"));
        DueTask task = TestTasks.task("wh-down", "down-1", Channel.CALL).setReason(TaskReason.BOOKING).build();

        publishTask(kafka, task);
        Receipt receipt = awaitReceipt(kafka, "down-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DEAD);
        assertThat(receipt.getAttempt()).isEqualTo(3);
        assertThat(receipt.getError()).contains("503");
        assertThat(receiver.requests("/down")).hasSize(3);
        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitRawRecords(Topics.dlq(Topics.DUE_TASKS_CALL),
                r -> "wh-down:lead-down-1".equals(r.key()), 1, Duration.ofSeconds(30));
        assertThat(new AvroDeserializer<>(DueTask.class).deserialize("t", dead.get(0).value())).isEqualTo(task);
        Map<String, String> headers = TestKafka.headers(dead.get(0));
        assertThat(headers.get("followup.error")).isEqualTo("webhook answered HTTP 503");
        assertThat(headers.get("followup.attempts")).isEqualTo("3");
        assertThat(headers.get("followup.source.topic")).isEqualTo(Topics.DUE_TASKS_CALL);
        assertThat(headers).containsKeys("followup.error.class", "followup.source.partition", "followup.source.offset");
    }

    @Test
    void aClientErrorFailsAtOnceWithoutRetries(TestKafka kafka) {
        String url = receiver.serve("/bad", n -> 400);
        useWebhook(kafka, "wh-bad", Channel.SMS, url, ChannelSettings.newBuilder().setInitialBackoff("PT0.1S"));

        publishTask(kafka, TestTasks.task("wh-bad", "bad-1", Channel.SMS).build());
        Receipt receipt = awaitReceipt(kafka, "bad-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getAttempt()).isEqualTo(1);
        assertThat(receipt.getError()).isEqualTo("webhook answered HTTP 400");
        assertThat(receiver.requests("/bad")).hasSize(1);
    }

    @Test
    void aHangingReceiverIsCutByTheTimeoutAndRetried(TestKafka kafka) {
        String url = receiver.serve("/hang", n -> n == 1 ? WebhookReceiver.HANG : 200);
        useWebhook(kafka, "wh-hang", Channel.CALL, url, ChannelSettings.newBuilder().setInitialBackoff("PT0.1S"));

        publishTask(kafka, TestTasks.task("wh-hang", "hang-1", Channel.CALL).build());
        Receipt receipt = awaitReceipt(kafka, "hang-1");

        // without the read timeout the hung request would have answered 200 after 10 s, at attempt 1
        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getAttempt()).isGreaterThanOrEqualTo(2);
        assertThat(receiver.requests("/hang")).hasSizeGreaterThanOrEqualTo(2).hasSizeLessThanOrEqualTo(receipt.getAttempt());
        assertThat(receiptsOf(kafka, "hang-1")).hasSize(1);
    }

    @Test
    void aReceiverThatDropsTheConnectionIsRetriedAndDraftedOnce(TestKafka kafka) {
        String url = receiver.serve("/drop", n -> n == 1 ? WebhookReceiver.DROP : 200);
        useWebhook(kafka, "wh-drop", Channel.SMS, url, ChannelSettings.newBuilder().setInitialBackoff("PT0.1S"));

        publishTask(kafka, TestTasks.task("wh-drop", "drop-1", Channel.SMS).build());
        Receipt receipt = awaitReceipt(kafka, "drop-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getAttempt()).isEqualTo(2);
        assertThat(receiver.requests("/drop")).hasSize(2)
                .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isEqualTo("drop-1"));
        assertThat(receiptsOf(kafka, "drop-1")).hasSize(1);
    }

    @Test
    void aRedirectIsNotFollowedAndFailsAtOnce(TestKafka kafka) {
        String url = receiver.serve("/moved", n -> 302);
        useWebhook(kafka, "wh-moved", Channel.CALL, url, ChannelSettings.newBuilder().setInitialBackoff("PT0.1S"));

        publishTask(kafka, TestTasks.task("wh-moved", "moved-1", Channel.CALL).build());
        Receipt receipt = awaitReceipt(kafka, "moved-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getAttempt()).isEqualTo(1);
        assertThat(receipt.getError()).contains("HTTP 302").contains("redirects are not followed");
        assertThat(receiver.requests("/moved")).hasSize(1);
    }

    @Test
    void aTenMegabyteAnswerIsCutAndTheDraftCountsOnce(TestKafka kafka) {
        String url = receiver.serve("/huge", n -> WebhookReceiver.HUGE);
        useWebhook(kafka, "wh-huge", Channel.SMS, url, ChannelSettings.newBuilder().setInitialBackoff("PT0.1S"));

        publishTask(kafka, TestTasks.task("wh-huge", "huge-1", Channel.SMS).build());
        publishTask(kafka, TestTasks.task("wh-huge", "huge-2", Channel.SMS).build());
        Receipt first = awaitReceipt(kafka, "huge-1");
        Receipt second = awaitReceipt(kafka, "huge-2");

        assertThat(first.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(first.getAttempt()).isEqualTo(1);
        assertThat(second.getStatus()).as("the consumer goes on").isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receiver.requests("/huge")).hasSize(2);
        assertThat(receiptsOf(kafka, "huge-1")).hasSize(1);
    }

    @Test
    void aSlowDraftDoesNotHoldUpTheTasksBehindItInItsPartition(TestKafka kafka) {
        // the webhook answers the first task only once the second one, behind it in the same partition (same lead),
        // has been sent: the consumer must go on polling and drafting while the first task is in flight. A consumer
        // that waited for it would let its call run into the 3 s read timeout and draft it at attempt 2.
        String url = receiver.serveHolding("/held", "held-1", "behind-1");
        useWebhook(kafka, "wh-held", Channel.SMS, url, ChannelSettings.newBuilder());

        publishTask(kafka, TestTasks.task("wh-held", "held-1", Channel.SMS).setLeadId("lead-held").build());
        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.requests("/held").isEmpty());
        publishTask(kafka, TestTasks.task("wh-held", "behind-1", Channel.SMS).setLeadId("lead-held").build());
        List<ConsumerRecord<String, Receipt>> receipts = kafka.awaitRecords(Topics.RECEIPTS, Receipt.class,
                r -> r.value().getTenantId().equals("wh-held"), 2, Duration.ofSeconds(60));

        // committed in task order, each drafted at its first attempt
        assertThat(receipts).extracting(r -> r.value().getTaskId()).containsExactly("held-1", "behind-1");
        assertThat(receipts).extracting(r -> r.value().getStatus()).containsOnly(ReceiptStatus.DRAFTED);
        assertThat(receipts).extracting(r -> r.value().getAttempt()).containsOnly(1);
        assertThat(receiver.requests("/held")).hasSize(2);
    }

    @Test
    void aWebhookWithoutASecretIsNeverCalled(TestKafka kafka) {
        String url = receiver.serve("/unsigned", n -> 200);
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("wh-unsigned")
                .setChannels(Map.of("SMS", ChannelSettings.newBuilder().setWebhookUrl(url).build())).build());

        publishTask(kafka, TestTasks.task("wh-unsigned", "unsigned-1", Channel.SMS).build());
        Receipt receipt = awaitReceipt(kafka, "unsigned-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getError()).contains("webhookSecretRef");
        assertThat(receiver.requests("/unsigned")).isEmpty();
    }

    @Test
    void withoutAWebhookTheSignedDraftIsAppendedToTheOutboxOnce(TestKafka kafka) throws Exception {
        DueTask task = TestTasks.task("outbox-tenant", "outbox-1", Channel.SMS).build();

        publishTask(kafka, task);
        Receipt receipt = awaitReceipt(kafka, "outbox-1");
        publishTask(kafka, task);
        awaitReceipts(kafka, "outbox-1", 2, Duration.ofSeconds(60));

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getProvider()).isEqualTo("outbox");
        List<String> lines = Files.readAllLines(DATA.resolve("outbox/outbox-tenant/sms.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(line.get("taskId").asString()).isEqualTo("outbox-1");
        assertSignedWith("dev-webhook-secret", line.get("signature").asString(), line.get("body").asString());
        assertThat(line.get("signature").asString()).startsWith("t=" + line.get("timestamp").asLong() + ",");
    }

    private void useWebhook(TestKafka kafka, String tenant, Channel channel, String url, ChannelSettings.Builder settings) {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId(tenant)
                .setChannels(Map.of(channel.name(), settings.setWebhookUrl(url).setWebhookSecretRef("test").build())).build());
    }

}
