package dev.followup.helmcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The topic Job: a Helm hook running the project's own admin client code from the project's own image. */
class TopicJobTest {

    private static final String PREFIX = "fu-followup-pipeline-";

    @Test
    void runsTopicProvisioningFromTheSchedulerImageBeforeInstallAndUpgrade() throws Exception {
        KubernetesManifests m = RenderedChart.DEFAULTS.manifests();
        Job job = m.get(Job.class, PREFIX + "topics");
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        String schedulerImage = m.get(StatefulSet.class, PREFIX + "scheduler").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();

        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("followup.dev/helm-hook", "pre-install,pre-upgrade")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(container.getImage()).isEqualTo(schedulerImage);
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(container.getCommand()).containsExactly("java", "-cp", "/app/BOOT-INF/lib/*",
                "dev.followup.events.TopicProvisioning");
        assertThat(FollowupChart.PROJECT.resolve("schemas/src/main/java/dev/followup/events/TopicProvisioning.java"))
                .as("the main class the Job runs").exists();

        Map<String, String> env = container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("FOLLOWUP_TOPICS_PARTITIONS", "6")
                .containsEntry("FOLLOWUP_TOPICS_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_CLIENT_SECURITY_PROTOCOL", "PLAINTEXT");
    }

    @Test
    void theJobsClasspathIsWhereTheDockerfilePutsTheLibraries() throws Exception {
        List<String> dockerfile = Files.readAllLines(FollowupChart.PROJECT.resolve("docker/Dockerfile"));
        String runtimeStage = String.join("\n", dockerfile.subList(lastIndexOf(dockerfile, "FROM "), dockerfile.size()));

        // every Spring Boot layer merges into /app, so dependencies and snapshot-dependencies both land in /app/BOOT-INF/lib
        assertThat(runtimeStage).contains("WORKDIR /app");
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(runtimeStage).contains("COPY --from=layers /extracted/" + layer + "/ ./");
        }
        assertThat(String.join("\n", dockerfile)).contains("extract --layers --launcher --destination /extracted")
                .contains("USER 10001:10001");
        assertThat(runtimeStage).contains("org.springframework.boot.loader.launch.JarLauncher");
    }

    private static int lastIndexOf(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix + " line");
    }
}
