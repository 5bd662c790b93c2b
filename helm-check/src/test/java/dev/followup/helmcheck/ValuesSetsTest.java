package dev.followup.helmcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each values set is for shows up in what it renders. */
class ValuesSetsTest {

    private static final String PREFIX = "fu-followup-pipeline-";

    @Test
    void defaultsDeployEverythingWithOneExecutorDeploymentPerChannelAndTheTopicJob() {
        KubernetesManifests m = RenderedChart.DEFAULTS.manifests();

        assertThat(m.all(Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrder(
                PREFIX + "ingest", PREFIX + "executor-email", PREFIX + "executor-sms", PREFIX + "executor-call");
        for (String channel : List.of("email", "sms", "call")) {
            Container executor = m.get(Deployment.class, PREFIX + "executor-" + channel).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            assertThat(m.environment(executor)).as("channels of the %s executor", channel)
                    .containsEntry("FOLLOWUP_EXECUTOR_CHANNELS", channel.toUpperCase())
                    .as("the inbox watcher runs in the email executor only")
                    .containsEntry("FOLLOWUP_EXECUTOR_INBOX_ENABLED", Boolean.toString(channel.equals("email")))
                    .containsEntry("FOLLOWUP_EXECUTOR_INBOX_SENTFOLDER", "Sent");
        }
        assertThat(m.get(StatefulSet.class, PREFIX + "scheduler").getSpec().getReplicas()).isEqualTo(2);
        assertThat(m.all(Job.class)).hasSize(1);
        assertThat(m.all(PodDisruptionBudget.class)).hasSize(5);
        assertThat(m.all(Ingress.class)).isEmpty();
        assertThat(m.all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(m.all(ServiceMonitor.class)).isEmpty();
        assertThat(m.all(NetworkPolicy.class)).isEmpty();
        assertThat(m.all(Secret.class)).as("no credentials configured: only the keys the chart generates")
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder(PREFIX + "scheduler-internal", PREFIX + "unsubscribe");
        Container scheduler = m.get(StatefulSet.class, PREFIX + "scheduler").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(scheduler.getEnv()).as("forwarded queries are signed with the pods' shared key")
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("FOLLOWUP_SCHEDULER_INTERNALAUTH_SECRET");
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(PREFIX + "scheduler-internal");
                });
        Secret internal = m.get(Secret.class, PREFIX + "scheduler-internal");
        assertThat(decoded(internal).get("internal-auth-secret")).hasSize(48);
        assertThat(internal.getMetadata().getAnnotations()).as("generated once, at install: upgrades keep the key")
                .containsEntry("followup.dev/helm-hook", "pre-install");
        assertThat(m.get(ConfigMap.class, PREFIX + "common").getData())
                .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("MANAGEMENT_SERVER_PORT", "9090");
    }

    /**
     * Ingest and every executor get the same generated unsubscribe key, by reference; generated once at install, so
     * links in mail already sent keep working after upgrades. Without an ingress or a base URL the executor has no
     * base URL (drafts without links, as the executor logs), rather than a guessed one.
     */
    @Test
    void ingestAndTheExecutorsShareTheGeneratedUnsubscribeKey() {
        KubernetesManifests m = RenderedChart.DEFAULTS.manifests();

        Secret generated = m.get(Secret.class, PREFIX + "unsubscribe");
        assertThat(decoded(generated).get("unsubscribe-secret")).hasSize(48);
        assertThat(generated.getMetadata().getAnnotations()).as("generated once, at install: upgrades keep the key")
                .containsEntry("followup.dev/helm-hook", "pre-install");
        for (String workload : List.of("ingest", "executor-email", "executor-sms", "executor-call")) {
            Container c = m.get(Deployment.class, PREFIX + workload).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c.getEnv()).as(workload).anySatisfy(e -> {
                assertThat(e.getName()).isEqualTo("FOLLOWUP_UNSUBSCRIBE_SECRET");
                assertThat(e.getValue()).isNull();
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(PREFIX + "unsubscribe");
                assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("unsubscribe-secret");
            });
            assertThat(m.environment(c)).as(workload).doesNotContainKey("FOLLOWUP_UNSUBSCRIBE_BASEURL");
        }
        assertThat(m.get(ConfigMap.class, PREFIX + "ingest").getData())
                .containsEntry("FOLLOWUP_UNSUBSCRIBE_RATELIMIT_ENABLED", "true")
                .containsEntry("FOLLOWUP_UNSUBSCRIBE_RATELIMIT_REQUESTSPERSECOND", "1")
                .containsEntry("FOLLOWUP_UNSUBSCRIBE_RATELIMIT_BURST", "10");
    }

    /** An existing Secret replaces the generated one, with previous keys for a rotation; the ingress gives the base. */
    @Test
    void anExistingUnsubscribeSecretAndTheIngressHostAreUsed() {
        KubernetesManifests m = RenderedChart.FULL.manifests();

        assertThat(m.all(Secret.class)).extracting(s -> s.getMetadata().getName()).doesNotContain(PREFIX + "unsubscribe");
        Container ingest = m.get(Deployment.class, PREFIX + "ingest").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(ingest.getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("FOLLOWUP_UNSUBSCRIBE_SECRET");
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("followup-unsubscribe");
                })
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("FOLLOWUP_UNSUBSCRIBE_PREVIOUSSECRETS");
                    assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("unsubscribe-previous-secrets");
                    assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
                });
        Container email = m.get(Deployment.class, PREFIX + "executor-email").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(email.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("FOLLOWUP_UNSUBSCRIBE_SECRET");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("followup-unsubscribe");
        }).noneSatisfy(e -> assertThat(e.getName()).isEqualTo("FOLLOWUP_UNSUBSCRIBE_PREVIOUSSECRETS"));
        assertThat(m.environment(email)).containsEntry("FOLLOWUP_UNSUBSCRIBE_BASEURL", "https://followup.example.com");
        assertThat(m.get(ConfigMap.class, PREFIX + "ingest").getData())
                .containsEntry("FOLLOWUP_UNSUBSCRIBE_RATELIMIT_REQUESTSPERSECOND", "0.5");
    }

    @Test
    void fullTurnsOnIngressAutoscalingMonitoringNetworkPoliciesAndExistingSecrets() {
        KubernetesManifests m = RenderedChart.FULL.manifests();

        assertThat(m.all(HorizontalPodAutoscaler.class)).extracting(h -> h.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder(PREFIX + "ingest", PREFIX + "executor-email", PREFIX + "executor-sms",
                        PREFIX + "executor-call");
        assertThat(m.all(Ingress.class)).extracting(i -> i.getSpec().getRules().get(0).getHost())
                .containsExactlyInAnyOrder("followup.example.com", "followup-tasks.example.com");
        assertThat(m.get(Ingress.class, PREFIX + "ingest").getSpec().getTls().get(0).getSecretName()).isEqualTo("followup-tls");
        assertThat(m.all(ServiceMonitor.class)).singleElement()
                .satisfies(s -> assertThat(s.getMetadata().getLabels()).containsEntry("release", "prometheus"));
        assertThat(m.all(NetworkPolicy.class)).hasSize(3);

        Container ingest = m.get(Deployment.class, PREFIX + "ingest").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(ingest.getImage()).isEqualTo("registry.example.com/sales/followup-ingest:1.2.3");
        assertThat(ingest.getEnvFrom()).filteredOn(f -> f.getSecretRef() != null).extracting(f -> f.getSecretRef().getName())
                .containsExactly("followup-api-keys");
        assertThat(ingest.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kafka-credentials");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("sasl-jaas-config");
        });
        assertThat(ingest.getVolumeMounts()).anySatisfy(v -> assertThat(v.getMountPath()).isEqualTo("/etc/followup/kafka"));
        Map<String, String> env = m.environment(ingest);
        assertThat(env).containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("SPRING_KAFKA_SSL_TRUSTSTORELOCATION", "file:/etc/followup/kafka/truststore.p12")
                .containsEntry("FOLLOWUP_AUTH_JWT_ISSUERURI", "https://login.example.com/realms/sales");

        Container email = m.get(Deployment.class, PREFIX + "executor-email").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(email.getEnvFrom()).filteredOn(f -> f.getSecretRef() != null).extracting(f -> f.getSecretRef().getName())
                .containsExactly("followup-executor-secrets");
        assertThat(m.environment(email)).containsEntry("FOLLOWUP_EXECUTOR_MAILBOXES_SALES_HOST", "imap.example.com")
                .containsEntry("FOLLOWUP_EXECUTOR_MAILBOXES_SALES_PORT", "993");
        Container call = m.get(Deployment.class, PREFIX + "executor-call").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(call.getResources().getLimits().get("memory").toString()).as("the call channel's own resources")
                .isEqualTo("512Mi");

        StatefulSet scheduler = m.get(StatefulSet.class, PREFIX + "scheduler");
        assertThat(scheduler.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        Job topics = m.get(Job.class, PREFIX + "topics");
        assertThat(topics.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("KAFKA_CLIENT_SASL_JAAS_CONFIG");
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kafka-credentials");
                })
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION"));
    }

    @Test
    void chartWrittenSecretsCarryTheApiKeysWebhookSecretsAndKafkaCredentials() {
        KubernetesManifests m = RenderedChart.CHART_SECRETS.manifests();

        Map<String, String> auth = decoded(m.get(Secret.class, PREFIX + "auth"));
        assertThat(auth).containsEntry("FOLLOWUP_AUTH_APIKEYS_0_TENANT", "acme")
                .containsEntry("FOLLOWUP_AUTH_APIKEYS_0_SHA256", "62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c")
                .containsEntry("FOLLOWUP_AUTH_APIKEYS_1_TENANT", "globex");
        assertThat(decoded(m.get(Secret.class, PREFIX + "executor")))
                .containsEntry("FOLLOWUP_EXECUTOR_SECRETS_CRM", "webhook-secret-91c2")
                .containsEntry("FOLLOWUP_EXECUTOR_MAILBOXES_SALES_PASSWORD", "mailbox-pass-55d0");
        assertThat(decoded(m.get(Secret.class, PREFIX + "kafka"))).containsKey("sasl-jaas-config");
        // the topic Job runs before the release's own Secret exists: it gets a hook Secret of its own
        Secret hookSecret = m.get(Secret.class, PREFIX + "topics-kafka");
        assertThat(hookSecret.getMetadata().getAnnotations()).containsEntry("followup.dev/helm-hook", "pre-install,pre-upgrade")
                .containsEntry("helm.sh/hook-weight", "-5");
        for (String workload : List.of("ingest", "executor-email")) {
            Container c = m.get(Deployment.class, PREFIX + workload).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c.getEnvFrom()).as("Secrets loaded by %s", workload).anySatisfy(f -> assertThat(f.getSecretRef()).isNotNull());
        }
        Container scheduler = m.get(StatefulSet.class, PREFIX + "scheduler").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(m.environment(scheduler)).as("the query API checks the same API keys")
                .containsKeys("FOLLOWUP_AUTH_APIKEYS_0_TENANT", "FOLLOWUP_AUTH_APIKEYS_0_SHA256")
                .doesNotContainKey("FOLLOWUP_EXECUTOR_SECRETS_CRM");
    }

    @Test
    void tenantSecretsGrantEachReferenceToItsTenantAndIngestAndTheExecutorShareTheGrants() {
        KubernetesManifests m = RenderedChart.FULL.manifests();

        for (String component : List.of("ingest", "executor")) {
            assertThat(m.get(ConfigMap.class, PREFIX + component).getData()).as("grants seen by %s", component)
                    .containsEntry("FOLLOWUP_GRANTS_WEBHOOKSECRETS_SHARED", "acme,globex")
                    .containsEntry("FOLLOWUP_GRANTS_WEBHOOKSECRETS_GLOBEXCRM", "globex")
                    .containsEntry("FOLLOWUP_GRANTS_MAILBOXES_SALES", "acme")
                    .containsEntry("FOLLOWUP_GRANTS_MAILBOXES_GLOBEXSALES", "globex")
                    .containsEntry("FOLLOWUP_WEBHOOKS_ALLOWEDTARGETS", "10.20.0.0/16,crm.crm.svc.cluster.local");
        }
        assertThat(m.get(ConfigMap.class, PREFIX + "scheduler").getData()).doesNotContainKey("FOLLOWUP_GRANTS_WEBHOOKSECRETS_SHARED");
        Container sms = m.get(Deployment.class, PREFIX + "executor-sms").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(sms.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("FOLLOWUP_EXECUTOR_SECRETS_GLOBEXCRM");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("globex-followup");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("crm-signing-secret");
        });
        assertThat(sms.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("FOLLOWUP_EXECUTOR_MAILBOXES_GLOBEXSALES_PASSWORD");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("imap-password");
        });
        Container ingest = m.get(Deployment.class, PREFIX + "ingest").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(ingest.getEnv()).as("ingest needs the grants, never the secrets")
                .noneMatch(e -> e.getName().startsWith("FOLLOWUP_EXECUTOR_"));
        assertThat(m.get(ConfigMap.class, PREFIX + "executor").getData()).as("production allows no internal target by default")
                .isNotNull();
        assertThat(RenderedChart.DEFAULTS.manifests().get(ConfigMap.class, PREFIX + "executor").getData())
                .doesNotContainKey("FOLLOWUP_WEBHOOKS_ALLOWEDTARGETS");
    }

    @Test
    void eachServiceMayLogInToKafkaAsItsOwnPrincipal() {
        KubernetesManifests m = RenderedChart.FULL.manifests();

        Container executor = m.get(Deployment.class, PREFIX + "executor-email").getSpec().getTemplate().getSpec().getContainers().get(0);
        Container ingest = m.get(Deployment.class, PREFIX + "ingest").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(jaasSecretOf(executor)).isEqualTo("kafka-credentials-executor");
        assertThat(jaasSecretOf(ingest)).as("no secret of its own: the shared one").isEqualTo("kafka-credentials");
    }

    private static String jaasSecretOf(Container c) {
        return c.getEnv().stream().filter(e -> e.getName().equals("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                .findFirst().orElseThrow().getValueFrom().getSecretKeyRef().getName();
    }

    @Test
    void minimalRunsOnePodPerServiceAndNothingOptional() {
        KubernetesManifests m = RenderedChart.MINIMAL.manifests();

        assertThat(m.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder(PREFIX + "ingest", PREFIX + "executor-email");
        assertThat(m.all(Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(1));
        StatefulSet scheduler = m.get(StatefulSet.class, PREFIX + "scheduler");
        assertThat(scheduler.getSpec().getReplicas()).isEqualTo(1);
        assertThat(m.environment(scheduler.getSpec().getTemplate().getSpec().getContainers().get(0)))
                .containsEntry("FOLLOWUP_SCHEDULER_STANDBYREPLICAS", "0");
        assertThat(m.all(PodDisruptionBudget.class)).as("a PDB on one replica would block node drains").isEmpty();
        assertThat(m.all(Job.class)).isEmpty();
        assertThat(m.serviceTemplates().values())
                .allSatisfy(p -> assertThat(p.getSpec().getTopologySpreadConstraints()).isNullOrEmpty());
    }

    private static Map<String, String> decoded(Secret secret) {
        return secret.getData().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                e -> new String(java.util.Base64.getDecoder().decode(e.getValue()), java.nio.charset.StandardCharsets.UTF_8)));
    }
}
