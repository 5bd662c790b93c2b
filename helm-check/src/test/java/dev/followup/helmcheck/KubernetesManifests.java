package dev.followup.helmcheck;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The rendered manifests, each parsed into the fabric8 Kubernetes model strictly: a kind the chart may not render, a
 * field the model does not know (anywhere in the tree) or a value of the wrong type fails the parse.
 */
final class KubernetesManifests {

    /** apiVersion/kind the chart may render, and their model classes. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    /**
     * The model classes keep fields they do not know in {@code additionalProperties} (a Jackson any-setter) instead of
     * failing: this mapper drops their any-setters, so an unknown field anywhere in the tree fails the parse with its
     * path, as the API server's strict field validation would.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("strict-kubernetes-model").setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                        BeanDeserializerBuilder builder) {
                    if (bean.getBeanClass().getName().startsWith("io.fabric8.")) {
                        builder.setAnySetter(null);
                    }
                    return builder;
                }
            }))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private final String text;
    private final List<HasMetadata> resources;

    private KubernetesManifests(String text, List<HasMetadata> resources) {
        this.text = text;
        this.resources = resources;
    }

    static KubernetesManifests parse(String rendered) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<HasMetadata> resources = new ArrayList<>();
        for (Object document : yaml.loadAll(rendered)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw new AssertionError("a rendered document is not a mapping: " + document);
            }
            String key = map.get("apiVersion") + "/" + map.get("kind");
            Class<? extends HasMetadata> type = KINDS.get(key);
            if (type == null) {
                throw new AssertionError("unexpected resource " + key + " named " + name(map));
            }
            HasMetadata resource;
            try {
                resource = MAPPER.convertValue(map, type);
            } catch (IllegalArgumentException e) {
                throw new AssertionError(key + " " + name(map) + " does not parse: " + e.getMessage(), e);
            }
            resources.add(resource);
        }
        return new KubernetesManifests(rendered, List.copyOf(resources));
    }

    private static Object name(Map<?, ?> document) {
        return document.get("metadata") instanceof Map<?, ?> m ? m.get("name") : null;
    }

    String text() {
        return text;
    }

    List<HasMetadata> all() {
        return resources;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                + " among " + names()));
    }

    /** "Kind/name" of every resource, in render order. */
    List<String> names() {
        return resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList();
    }

    /** How many resources of each kind. */
    Map<String, Long> kindCounts() {
        Map<String, Long> counts = new TreeMap<>();
        resources.forEach(r -> counts.merge(r.getKind(), 1L, Long::sum));
        return counts;
    }

    /** Every workload's pod template, by "Kind/name". */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> templates.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        all(Job.class).forEach(j -> templates.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
        return templates;
    }

    /** Every long-running service workload (not the topic Job). */
    Map<String, PodTemplateSpec> serviceTemplates() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>(podTemplates());
        templates.keySet().removeIf(k -> k.startsWith("Job/"));
        return templates;
    }

    static Stream<Container> containers(PodTemplateSpec template) {
        return Stream.concat(template.getSpec().getContainers().stream(),
                Optional.ofNullable(template.getSpec().getInitContainers()).orElse(List.of()).stream());
    }

    /**
     * The environment a container gets by name: its own {@code env} values and the data of the ConfigMaps and
     * chart-written Secrets it loads with {@code envFrom} (values of {@code valueFrom} entries are null).
     */
    Map<String, String> environment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (var from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                find(ConfigMap.class, from.getConfigMapRef().getName()).ifPresent(cm -> env.putAll(cm.getData()));
            }
            if (from.getSecretRef() != null) {
                find(Secret.class, from.getSecretRef().getName()).ifPresent(s -> s.getData().keySet()
                        .forEach(k -> env.put(k, null)));
            }
        }
        for (var e : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            env.put(e.getName(), e.getValue());
        }
        return env;
    }

    /** Whether {@code selector} (matchLabels) selects an object with {@code labels}. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && labels.entrySet().containsAll(selector.entrySet());
    }
}
