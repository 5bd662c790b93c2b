package dev.followup.helmcheck;

import static dev.followup.helmcheck.KubernetesManifests.containers;
import static dev.followup.helmcheck.KubernetesManifests.selects;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What breaks deployments, checked on every values set: manifests the API server would reject, probes on endpoints
 * the services do not serve, environment variables no property binds, secrets in plain text, selectors that select
 * nothing, state written outside the scheduler's volume.
 */
class ChartManifestsTest {

    private static final Map<String, SpringProperties> SERVICES = new LinkedHashMap<>();

    static SpringProperties service(String name) {
        synchronized (SERVICES) {
            return SERVICES.computeIfAbsent(name, SpringProperties::of);
        }
    }

    /** The service a pod template runs, from its component label. */
    static String serviceOf(PodTemplateSpec template) {
        return template.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void everyManifestParsesStrictlyIntoTheKubernetesModel(RenderedChart values) {
        KubernetesManifests manifests = values.manifests();

        System.out.printf("%s: %d resources %s%n", values, manifests.all().size(), manifests.kindCounts());
        assertThat(manifests.all()).isNotEmpty();
        assertThat(manifests.names()).as("resource names are unique").doesNotHaveDuplicates();
        assertThat(manifests.all()).allSatisfy(r -> {
            assertThat(r.getMetadata().getName()).as("name of %s", r.getKind()).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
            assertThat(r.getMetadata().getLabels()).as("labels of %s", r.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/instance", FollowupChart.RELEASE)
                    .containsKey("app.kubernetes.io/component");
        });
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void selectorsMatchTheLabelsOfWhatTheySelect(RenderedChart values) {
        KubernetesManifests m = values.manifests();
        Map<String, PodTemplateSpec> pods = m.serviceTemplates();

        for (Deployment d : m.all(Deployment.class)) {
            assertThat(selects(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()))
                    .as("Deployment %s selects its own pods", d.getMetadata().getName()).isTrue();
        }
        for (StatefulSet s : m.all(StatefulSet.class)) {
            assertThat(selects(s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate().getMetadata().getLabels()))
                    .as("StatefulSet %s selects its own pods", s.getMetadata().getName()).isTrue();
            Service headless = m.get(Service.class, s.getSpec().getServiceName());
            assertThat(headless.getSpec().getClusterIP()).as("governing Service of %s is headless", s.getMetadata().getName())
                    .isEqualTo("None");
            assertThat(selects(headless.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
        }
        // each workload's selector matches no other workload's pods (no two controllers fight over pods)
        for (var a : pods.entrySet()) {
            Map<String, String> selector = selectorOf(m, a.getKey());
            for (var b : pods.entrySet()) {
                if (!a.getKey().equals(b.getKey())) {
                    assertThat(selects(selector, b.getValue().getMetadata().getLabels()))
                            .as("%s's selector also selects %s's pods", a.getKey(), b.getKey()).isFalse();
                }
            }
        }
        for (Service service : m.all(Service.class)) {
            List<PodTemplateSpec> selected = pods.values().stream()
                    .filter(p -> selects(service.getSpec().getSelector(), p.getMetadata().getLabels())).toList();
            assertThat(selected).as("pods selected by Service %s", service.getMetadata().getName()).hasSize(1);
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(containerPort(selected.get(0), port.getTargetPort()))
                        .as("targetPort %s of Service %s", port.getTargetPort(), service.getMetadata().getName()).isPresent();
            }
        }
        for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
            assertThat(pods.values()).as("pods of PodDisruptionBudget %s", pdb.getMetadata().getName())
                    .filteredOn(p -> matches(pdb.getSpec().getSelector(), p.getMetadata().getLabels())).hasSize(1);
        }
        for (HorizontalPodAutoscaler hpa : m.all(HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(target.getKind()).isEqualTo("Deployment");
            Deployment scaled = m.get(Deployment.class, target.getName());
            assertThat(scaled.getSpec().getReplicas()).as("replicas of %s, which its HPA owns", target.getName()).isNull();
            assertThat(scaled.getSpec().getTemplate().getSpec().getContainers())
                    .allSatisfy(c -> assertThat(c.getResources().getRequests()).as("HPA on CPU needs CPU requests").containsKey("cpu"));
        }
        for (NetworkPolicy policy : m.all(NetworkPolicy.class)) {
            assertThat(pods.values()).as("pods of NetworkPolicy %s", policy.getMetadata().getName())
                    .filteredOn(p -> matches(policy.getSpec().getPodSelector(), p.getMetadata().getLabels())).isNotEmpty();
        }
        for (ServiceMonitor monitor : m.all(ServiceMonitor.class)) {
            List<Service> scraped = m.all(Service.class).stream()
                    .filter(s -> matches(monitor.getSpec().getSelector(), s.getMetadata().getLabels())).toList();
            assertThat(scraped).as("Services scraped by %s", monitor.getMetadata().getName()).isNotEmpty();
            Set<String> scrapedWorkloads = new HashSet<>();
            for (var endpoint : monitor.getSpec().getEndpoints()) {
                for (Service s : scraped) {
                    if (s.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(endpoint.getPort()))) {
                        scrapedWorkloads.add(s.getSpec().getSelector().toString());
                    }
                }
            }
            assertThat(scrapedWorkloads).as("every workload is scraped once").hasSize(pods.size());
        }
        for (Ingress ingress : m.all(Ingress.class)) {
            for (var rule : ingress.getSpec().getRules()) {
                for (var path : rule.getHttp().getPaths()) {
                    var backend = path.getBackend().getService();
                    Service service = m.get(Service.class, backend.getName());
                    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
                            .as("port of Ingress %s", ingress.getMetadata().getName()).contains(backend.getPort().getName());
                    assertThat(backend.getPort().getName()).as("an Ingress never exposes the management port").isEqualTo("http");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void probesAndMetricsUseEndpointsTheServicesExpose(RenderedChart values) {
        KubernetesManifests m = values.manifests();
        for (var workload : m.serviceTemplates().entrySet()) {
            SpringProperties service = service(serviceOf(workload.getValue()));
            for (Container container : workload.getValue().getSpec().getContainers()) {
                Map<String, String> env = m.environment(container);
                String where = workload.getKey() + "/" + container.getName();
                int managementPort = Integer.parseInt(effective(service, env, "MANAGEMENT_SERVER_PORT", "management.server.port")
                        .orElseGet(() -> effective(service, env, "SERVER_PORT", "server.port").orElseThrow()));
                String basePath = effective(service, env, "MANAGEMENT_ENDPOINTS_WEB_BASEPATH", "management.endpoints.web.base-path")
                        .orElse("/actuator");
                List<String> exposed = Arrays.stream(effective(service, env, "MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE",
                        "management.endpoints.web.exposure.include").orElse("health").split(",")).map(String::trim).toList();
                boolean probeGroups = effective(service, env, "MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED",
                        "management.endpoint.health.probes.enabled").map(Boolean::parseBoolean).orElse(false);

                assertThat(exposed).as("actuator endpoints %s exposes", where).contains("health", "prometheus");
                assertThat(probeGroups).as("%s enables the liveness/readiness health groups", where).isTrue();
                Map<String, Probe> probes = new LinkedHashMap<>();
                probes.put("liveness", container.getLivenessProbe());
                probes.put("readiness", container.getReadinessProbe());
                probes.put("startup", container.getStartupProbe());
                probes.forEach((kind, probe) -> {
                    assertThat(probe).as("%s probe of %s", kind, where).isNotNull();
                    var get = probe.getHttpGet();
                    assertThat(get.getPath()).as("%s probe path of %s", kind, where)
                            .isEqualTo(basePath + "/health/" + (kind.equals("readiness") ? "readiness" : "liveness"));
                    assertThat(containerPort(workload.getValue(), get.getPort()).map(ContainerPort::getContainerPort))
                            .as("%s probe port of %s is the management port", kind, where).contains(managementPort);
                });
                int serverPort = Integer.parseInt(effective(service, env, "SERVER_PORT", "server.port").orElse("8080"));
                assertThat(containerPort(workload.getValue(), new IntOrString("http")).map(ContainerPort::getContainerPort))
                        .as("http port of %s is server.port", where).contains(serverPort);
                if (values == RenderedChart.DEFAULTS) {
                    assertThat(serverPort).as("the chart's default port of %s is the service's own", where)
                            .isEqualTo(((Number) service.yaml("server.port").orElseThrow()).intValue());
                }
            }
        }
        for (ServiceMonitor monitor : m.all(ServiceMonitor.class)) {
            assertThat(monitor.getSpec().getEndpoints()).allSatisfy(e -> {
                assertThat(e.getPath()).isEqualTo("/actuator/prometheus");
                assertThat(e.getPort()).isEqualTo("management");
            });
            for (String name : List.of("ingest", "scheduler", "executor")) {
                assertThat(service(name).yaml("management.endpoints.web.exposure.include").map(Object::toString).orElse(""))
                        .as("%s exposes prometheus in its application.yml", name).contains("prometheus");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void environmentVariablesBindToPropertiesOfTheirService(RenderedChart values) throws Exception {
        KubernetesManifests m = values.manifests();
        List<String> unbound = new ArrayList<>();
        for (var workload : m.serviceTemplates().entrySet()) {
            SpringProperties service = service(serviceOf(workload.getValue()));
            assertThat(service.size()).as("properties found for %s", service.service()).isGreaterThan(100);
            for (Container container : workload.getValue().getSpec().getContainers()) {
                Map<String, String> env = m.environment(container);
                String referenced = String.join(" ", env.values().stream().filter(Objects::nonNull).toList());
                for (String name : env.keySet()) {
                    boolean jvm = name.equals("JAVA_TOOL_OPTIONS");
                    boolean expansionSource = name.equals("POD_NAME") && referenced.contains("$(POD_NAME)");
                    if (!jvm && !expansionSource && !service.bindsEnvironmentVariable(name)) {
                        unbound.add(workload.getKey() + ": " + name);
                    }
                }
            }
        }
        assertThat(unbound).as("environment variables no property of the service binds").isEmpty();

        String provisioning = Files.readString(FollowupChart.PROJECT.resolve(
                "schemas/src/main/java/dev/followup/events/TopicProvisioning.java"));
        for (Job job : m.all(Job.class)) {
            for (Container c : job.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getName().startsWith("KAFKA_CLIENT_")) {
                        String clientSetting = e.getName().substring("KAFKA_CLIENT_".length()).toLowerCase().replace('_', '.');
                        assertThat(AdminClientConfig.configNames()).as("Kafka admin client setting of %s", e.getName())
                                .contains(clientSetting);
                    } else if (!e.getName().equals("JAVA_TOOL_OPTIONS")) {
                        assertThat(provisioning).as("TopicProvisioning reads %s", e.getName()).contains("\"" + e.getName() + "\"");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void secretsAreReferencedNeverInlined(RenderedChart values) throws Exception {
        KubernetesManifests m = values.manifests();
        Pattern secretName = Pattern.compile("(?i).*(PASSWORD|SECRETS?_|JAAS|SHA256|TOKEN|CREDENTIAL).*");
        Set<String> rendered = new HashSet<>(m.all(Secret.class).stream().map(s -> s.getMetadata().getName()).toList());
        Set<String> existing = Set.of("kafka-credentials", "followup-api-keys", "followup-executor-secrets",
                "globex-followup", "kafka-credentials-executor", "followup-scheduler-internal",
                "followup-unsubscribe");

        for (ConfigMap cm : m.all(ConfigMap.class)) {
            // grants name tenants per secret reference (FOLLOWUP_GRANTS_WEBHOOKSECRETS_<REF>=acme,globex), no secret
            assertThat(cm.getData().keySet()).as("secret-looking keys in ConfigMap %s", cm.getMetadata().getName())
                    .noneMatch(k -> secretName.matcher(k).matches() && !k.startsWith("FOLLOWUP_GRANTS_"));
        }
        for (var workload : m.podTemplates().entrySet()) {
            var spec = workload.getValue().getSpec();
            containers(workload.getValue()).forEach(c -> {
                for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (secretName.matcher(e.getName()).matches()) {
                        assertThat(e.getValue()).as("%s of %s is inlined", e.getName(), workload.getKey()).isNull();
                        assertThat(e.getValueFrom().getSecretKeyRef()).as("%s of %s comes from a Secret", e.getName(),
                                workload.getKey()).isNotNull();
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var ref = e.getValueFrom().getSecretKeyRef();
                        assertThat(rendered.contains(ref.getName()) || existing.contains(ref.getName()))
                                .as("Secret %s referenced by %s exists or is a configured existingSecret", ref.getName(),
                                        workload.getKey()).isTrue();
                        m.find(Secret.class, ref.getName()).ifPresent(s -> assertThat(s.getData())
                                .as("key %s of Secret %s", ref.getKey(), ref.getName()).containsKey(ref.getKey()));
                    }
                }
                for (var from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
                    if (from.getSecretRef() != null) {
                        assertThat(rendered.contains(from.getSecretRef().getName()) || existing.contains(from.getSecretRef().getName()))
                                .as("Secret %s loaded by %s", from.getSecretRef().getName(), workload.getKey()).isTrue();
                    }
                    if (from.getConfigMapRef() != null) {
                        assertThat(m.find(ConfigMap.class, from.getConfigMapRef().getName()))
                                .as("ConfigMap %s loaded by %s", from.getConfigMapRef().getName(), workload.getKey()).isPresent();
                    }
                }
            });
            for (var volume : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
                if (volume.getSecret() != null) {
                    assertThat(existing).contains(volume.getSecret().getSecretName());
                }
            }
        }
        if (values.valuesFile != null) {
            // the secret values of the values file are nowhere in clear text (Secret data is base64)
            String valuesText = Files.readString(FollowupChart.valuesFile(values.valuesFile));
            Matcher secretValues = Pattern.compile("(kafka-pass-\\w+|webhook-secret-\\w+|mailbox-pass-\\w+|[0-9a-f]{64})")
                    .matcher(valuesText);
            while (secretValues.find()) {
                assertThat(m.text()).as("rendered manifests contain a secret in clear text").doesNotContain(secretValues.group());
            }
        }
        if (values == RenderedChart.FULL) {
            assertThat(rendered).as("with existingSecrets the chart writes no Secret").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void schedulerKeepsItsStateOnItsPersistentVolume(RenderedChart values) {
        KubernetesManifests m = values.manifests();
        StatefulSet scheduler = m.get(StatefulSet.class, "fu-followup-pipeline-scheduler");
        Container container = scheduler.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = m.environment(container);
        SpringProperties properties = service("scheduler");

        assertThat(properties.propertyOf("FOLLOWUP_SCHEDULER_STATEDIR")).contains("followup.scheduler.state-dir");
        String stateDir = env.get("FOLLOWUP_SCHEDULER_STATEDIR");
        var claims = scheduler.getSpec().getVolumeClaimTemplates().stream().map(c -> c.getMetadata().getName()).toList();
        assertThat(container.getVolumeMounts()).as("mount of the state directory %s", stateDir)
                .anySatisfy(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo(stateDir);
                    assertThat(claims).contains(mount.getName());
                    assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                });

        // application.server: this pod's stable DNS name under the governing Service, on the query API port
        String applicationServer = env.get("FOLLOWUP_SCHEDULER_APPLICATIONSERVER");
        assertThat(properties.propertyOf("FOLLOWUP_SCHEDULER_APPLICATIONSERVER")).contains("followup.scheduler.application-server");
        assertThat(applicationServer).isEqualTo("$(POD_NAME)." + scheduler.getSpec().getServiceName() + "."
                + FollowupChart.NAMESPACE + ".svc.cluster.local:" + env.get("SERVER_PORT"));
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("POD_NAME"))
                .singleElement().satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
        assertThat(container.getEnv()).extracting(EnvVar::getName).as("POD_NAME is defined before it is expanded")
                .containsSubsequence("POD_NAME", "FOLLOWUP_SCHEDULER_APPLICATIONSERVER");

        // Streams gets time to close cleanly before the pod is killed
        long closeSeconds = java.time.Duration.parse("PT" + env.get("FOLLOWUP_SCHEDULER_CLOSETIMEOUT").toUpperCase()).toSeconds();
        assertThat(scheduler.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThan(closeSeconds);
        assertThat(env.get("FOLLOWUP_SCHEDULER_STANDBYREPLICAS")).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(RenderedChart.class)
    void podsRunAsNonRootWithAReadOnlyRootAndWritableVolumesWhereNeeded(RenderedChart values) {
        KubernetesManifests m = values.manifests();
        for (var workload : m.podTemplates().entrySet()) {
            var spec = workload.getValue().getSpec();
            assertThat(spec.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot of %s", workload.getKey()).isTrue();
            assertThat(spec.getSecurityContext().getRunAsUser()).as("uid of %s", workload.getKey()).isPositive();
            assertThat(spec.getAutomountServiceAccountToken()).as("no API token in %s", workload.getKey()).isFalse();
            containers(workload.getValue()).forEach(c -> {
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getVolumeMounts()).extracting(v -> v.getMountPath()).as("writable paths of %s", workload.getKey())
                        .contains("/tmp");
                Map<String, String> env = m.environment(c);
                if (env.containsKey("FOLLOWUP_EXECUTOR_DATADIR")) {
                    assertThat(c.getVolumeMounts()).extracting(v -> v.getMountPath()).contains(env.get("FOLLOWUP_EXECUTOR_DATADIR"));
                }
                assertThat(c.getImage()).as("image of %s", workload.getKey()).matches(".+-(ingest|scheduler|executor):.+");
            });
        }
    }

    // --- helpers

    private static Map<String, String> selectorOf(KubernetesManifests m, String workload) {
        String[] kindAndName = workload.split("/", 2);
        HasMetadata r = kindAndName[0].equals("Deployment") ? m.get(Deployment.class, kindAndName[1])
                : m.get(StatefulSet.class, kindAndName[1]);
        return r instanceof Deployment d ? d.getSpec().getSelector().getMatchLabels()
                : ((StatefulSet) r).getSpec().getSelector().getMatchLabels();
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null || labels == null) {
            return false;
        }
        boolean any = false;
        if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
            if (!labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
                return false;
            }
            any = true;
        }
        for (var e : Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
            boolean in = e.getValues().contains(labels.get(e.getKey()));
            if (e.getOperator().equals("In") != in) {
                return false;
            }
            any = true;
        }
        return any;
    }

    static Optional<ContainerPort> containerPort(PodTemplateSpec pod, IntOrString port) {
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
                .filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName())
                        : port.getIntVal().equals(p.getContainerPort()))
                .findFirst();
    }

    /** A setting as the running service sees it: the container's environment first, then its application.yml. */
    static Optional<String> effective(SpringProperties service, Map<String, String> env, String envName, String property) {
        if (env.get(envName) != null) {
            return Optional.of(env.get(envName));
        }
        return service.yaml(property).map(v -> v instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList())
                : v.toString());
    }
}
