package dev.followup.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Produce tasks and settings, await receipts: the steps every executor integration test takes. */
public final class ExecutorTestSupport {

    private ExecutorTestSupport() {
    }

    public static void publishSettings(TestKafka kafka, TenantSettingsView view, TenantSettings settings) {
        kafka.send(Topics.TENANT_SETTINGS, settings.getTenantId(), settings);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.knows(settings.getTenantId())
                && view.settingsOf(settings.getTenantId()).equals(settings));
    }

    public static void publishTask(TestKafka kafka, DueTask task) {
        kafka.send(Topics.dueTasks(task.getChannel()), LeadKey.of(task.getTenantId(), task.getLeadId()).toString(), task);
    }

    public static List<Receipt> awaitReceipts(TestKafka kafka, String taskId, int count, Duration timeout) {
        return kafka.awaitRecords(Topics.RECEIPTS, Receipt.class, r -> r.value().getTaskId().equals(taskId), count, timeout)
                .stream().map(ConsumerRecord::value).toList();
    }

    public static Receipt awaitReceipt(TestKafka kafka, String taskId) {
        return awaitReceipts(kafka, taskId, 1, Duration.ofSeconds(60)).get(0);
    }

    /** Every receipt of the task committed so far (after an await: to assert that no more were written). */
    public static List<Receipt> receiptsOf(TestKafka kafka, String taskId) {
        return kafka.readAll(Topics.RECEIPTS, Receipt.class, r -> r.value().getTaskId().equals(taskId))
                .stream().map(ConsumerRecord::value).toList();
    }

    /** Verifies {@code t=<ts>,v1=<hex>} independently of the production signer. */
    public static void assertSignedWith(String secret, String signature, String body) {
        assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = signature.substring(2, signature.indexOf(','));
        String v1 = signature.substring(signature.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            assertThat(v1).isEqualTo(expected);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
