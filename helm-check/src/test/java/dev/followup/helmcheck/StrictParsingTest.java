package dev.followup.helmcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The strict parse that the chart's manifests go through rejects what the API server would reject. */
class StrictParsingTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
              labels: {app: demo}
            spec:
              replicas: %s
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: demo
                      image: demo:1
                      %s:
                        httpGet: {path: /actuator/health/readiness, port: management}
                      resources:
                        limits: {memory: 768Mi}
            """;

    @Test
    void parsesAValidManifest() {
        KubernetesManifests parsed = KubernetesManifests.parse(DEPLOYMENT.formatted("2", "readinessProbe"));

        Deployment deployment = parsed.get(Deployment.class, "demo");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet()
                .getPort().getStrVal()).isEqualTo("management");
    }

    @Test
    void rejectsAFieldTheModelDoesNotKnowDeepInTheTree() {
        assertThatThrownBy(() -> KubernetesManifests.parse(DEPLOYMENT.formatted("2", "readinesProbe")))
                .hasMessageContaining("Deployment demo does not parse")
                .hasMessageContaining("readinesProbe");
    }

    @Test
    void rejectsAValueOfTheWrongType() {
        assertThatThrownBy(() -> KubernetesManifests.parse(DEPLOYMENT.formatted("two", "readinessProbe")))
                .hasMessageContaining("replicas");
    }

    @Test
    void rejectsAKindTheChartMayNotRender() {
        assertThatThrownBy(() -> KubernetesManifests.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
                .hasMessageContaining("unexpected resource v1/Pod");
    }
}
