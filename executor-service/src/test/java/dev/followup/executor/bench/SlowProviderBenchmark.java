package dev.followup.executor.bench;

import com.sun.net.httpserver.HttpServer;
import dev.followup.events.LeadKey;
import dev.followup.events.TopicProvisioning;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.ExecutorApplication;
import dev.followup.executor.consume.ChannelListeners;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Throughput of one executor instance for one channel (SMS) when the provider takes 1 s per call: a real local
 * webhook that answers after 1 s, the real executor (Spring Boot app, transactions, receipts) and a real broker
 * (embedded KRaft, or {@code --bootstrap host:port}). Feeds {@code --tasks} due tasks at once and prints tasks/s
 * from the first task produced to the last receipt committed. Not a test: it prints figures, it asserts nothing.
 *
 * <pre>
 * ./mvnw -q -B -pl executor-service -am test-compile -Pbench \
 *   -Dbench.args="--tasks 3000 --warmup 500 [--provider sleep|http] [--concurrency 256] [--delay-ms 1000] [--log DEBUG]"
 * </pre>
 */
public final class SlowProviderBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int tasks = Integer.parseInt(opts.getOrDefault("tasks", "4000"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "500"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "256"));
        long delayMs = Long.parseLong(opts.getOrDefault("delay-ms", "1000"));
        EmbeddedKafkaKraftBroker broker = null;
        String bootstrap = opts.get("bootstrap");
        if (bootstrap == null) {
            broker = new EmbeddedKafkaKraftBroker(1, 1);
            broker.brokerProperties(Map.of("offsets.topic.replication.factor", "1",
                    "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                    "group.initial.rebalance.delay.ms", "0", "auto.create.topics.enable", "false"));
            broker.afterPropertiesSet();
            bootstrap = broker.getBrokersAsString();
        }
        createTopics(bootstrap);

        // the JDK server closes keep-alive connections beyond 200 idle ones, and a POST on a connection the server
        // closed fails in the client (and is retried a second later): a provider worth measuring keeps them open
        System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(concurrency * 4));
        ExecutorService slowThreads = Executors.newFixedThreadPool(concurrency * 2 + 16);
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
        AtomicInteger calls = new AtomicInteger();
        provider.createContext("/slow", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMs); // the slow provider being simulated
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = ("{\"id\":\"d" + calls.incrementAndGet() + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        provider.setExecutor(slowThreads);
        provider.start();
        String url = "http://127.0.0.1:" + provider.getAddress().getPort() + "/slow";

        String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer())) {
            TenantSettings settings = TenantSettings.newBuilder().setTenantId(tenant).setChannels(Map.of("SMS",
                    ChannelSettings.newBuilder().setWebhookUrl(url).setWebhookSecretRef("bench").build())).build();
            producer.send(new ProducerRecord<>(Topics.TENANT_SETTINGS, tenant,
                    new AvroSerializer<>(TenantSettings.class).serialize(Topics.TENANT_SETTINGS, settings))).get();
        }

        boolean sleepProvider = "sleep".equals(opts.getOrDefault("provider", "http"));
        SLEEP_MS = delayMs;
        Class<?>[] sources = sleepProvider ? new Class<?>[] {ExecutorApplication.class, SleepingProvider.class}
                : new Class<?>[] {ExecutorApplication.class};
        ConfigurableApplicationContext app = new SpringApplicationBuilder(sources).run(
                "--spring.main.allow-bean-definition-overriding=true",
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--server.port=0",
                "--followup.executor.channels=SMS",
                "--followup.executor.channel.sms.concurrency=" + concurrency,
                "--followup.executor.secrets.bench=bench-secret",
                "--followup.executor.data-dir=target/bench-data",
                "--logging.level.root=WARN",
                "--logging.level.dev.followup.executor.consume=" + opts.getOrDefault("log", "WARN"),
                "--logging.structured.format.console=");
        try (KafkaConsumer<String, byte[]> receipts = receiptConsumer(bootstrap)) {
            ChannelListeners listeners = app.getBean(ChannelListeners.class);
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!listeners.ready() && System.nanoTime() < readyBy) {
                Thread.sleep(100);
            }
            System.out.printf("executor ready; %s provider, delay %d ms, concurrency %d, channel SMS%n",
                    sleepProvider ? "in-process sleeping" : "HTTP webhook", delayMs, concurrency);
            run("warm-up", tenant, warmup, bootstrap, receipts);
            Result result = run("measured", tenant, tasks, bootstrap, receipts);
            System.out.printf("RESULT tasks=%d seconds=%.2f tasks/s=%.1f (provider calls so far %d, not drafted %d;"
                    + " load average %.2f, %d cores)%n", tasks, result.seconds(), tasks / result.seconds(), calls.get(),
                    result.notDrafted(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            app.close();
            provider.stop(0);
            slowThreads.shutdownNow();
            if (broker != null) {
                broker.destroy();
            }
        }
    }

    private record Result(double seconds, int notDrafted) {
    }

    private static volatile long SLEEP_MS = 1000;

    /**
     * Replaces the webhook provider by one that takes {@code --delay-ms} per call in-process. Deliberately not a
     * {@code @Configuration}: component scanning of the tests must never pick it up; it is passed as a source.
     */
    static class SleepingProvider {

        @org.springframework.context.annotation.Bean
        dev.followup.executor.consume.TaskDrafting taskDrafting(dev.followup.executor.consume.LeadSuppressions suppressions,
                dev.followup.executor.consume.TenantSettingsView settings,
                io.micrometer.core.instrument.MeterRegistry meters) {
            dev.followup.executor.provider.DraftProvider slow = new dev.followup.executor.provider.DraftProvider() {
                @Override
                public String name() {
                    return "webhook";
                }

                @Override
                public DraftResult draft(DueTask task, dev.followup.executor.content.RenderedDraft content,
                        ChannelSettings channel) {
                    try {
                        Thread.sleep(SLEEP_MS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new DraftResult("sleep-" + task.getTaskId(), null);
                }
            };
            return new dev.followup.executor.consume.TaskDrafting(suppressions, settings,
                    new dev.followup.executor.content.DraftRenderer(null, 100), Map.of("webhook", slow, "outbox", slow), meters);
        }
    }

    private static Result run(String label, String tenant, int count, String bootstrap, KafkaConsumer<String, byte[]> receipts)
            throws Exception {
        String prefix = label + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        AvroSerializer<DueTask> serializer = new AvroSerializer<>(DueTask.class);
        AvroDeserializer<Receipt> deserializer = new AvroDeserializer<>(Receipt.class);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String lead = "lead-" + i;
                DueTask task = DueTask.newBuilder().setTaskId(prefix + i).setTenantId(tenant).setLeadId(lead)
                        .setChannel(Channel.SMS).setReason(TaskReason.MANUAL).setDueAt(Instant.now())
                        .setEmittedAt(Instant.now()).setAttempt(1)
                        .setContact(Contact.newBuilder().setName("Lead " + i).setPhone("+1555000" + i).build())
                        .build();
                producer.send(new ProducerRecord<>(Topics.DUE_TASKS_SMS, LeadKey.of(tenant, lead).toString(),
                        serializer.serialize(Topics.DUE_TASKS_SMS, task)));
            }
        }
        int seen = 0;
        int notDrafted = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (seen < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : receipts.poll(Duration.ofMillis(200))) {
                Receipt receipt = deserializer.deserialize(r.topic(), r.value());
                if (receipt.getTaskId().startsWith(prefix)) {
                    seen++;
                    if (receipt.getStatus() != ReceiptStatus.DRAFTED) {
                        notDrafted++;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMsPerTask = (processCpuNanos() - cpuStart) / 1e6 / Math.max(1, seen);
        System.out.printf("%s: %d/%d receipts in %.2f s = %.1f tasks/s (CPU of this JVM: broker, provider, executor:"
                + " %.1f ms per task)%n", label, seen, count, seconds, seen / seconds, cpuMsPerTask);
        return new Result(seconds, notDrafted + (count - seen));
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static KafkaConsumer<String, byte[]> receiptConsumer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RECEIPTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioning.provision(admin, Topics.DEFAULT_PARTITIONS, (short) 1);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return out;
    }

    private SlowProviderBenchmark() {
    }

}
