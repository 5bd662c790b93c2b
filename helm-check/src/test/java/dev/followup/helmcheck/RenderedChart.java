package dev.followup.helmcheck;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The values sets the chart is rendered with, each rendered and parsed once per test run. */
enum RenderedChart {

    /** values.yaml as shipped. */
    DEFAULTS(null),
    /** All channels, ingress for both APIs, HPAs, ServiceMonitor, NetworkPolicy, existingSecrets, SASL_SSL + CA. */
    FULL("full.yaml"),
    /** Secrets written by the chart from values (no existingSecret). */
    CHART_SECRETS("chart-secrets.yaml"),
    /** One replica each, one executor channel, no PDBs, no topic Job. */
    MINIMAL("minimal.yaml");

    private static final Map<RenderedChart, KubernetesManifests> RENDERED = new ConcurrentHashMap<>();

    final String valuesFile;

    RenderedChart(String valuesFile) {
        this.valuesFile = valuesFile;
    }

    KubernetesManifests manifests() {
        return RENDERED.computeIfAbsent(this, v -> {
            long start = System.nanoTime();
            String rendered = FollowupChart.templateWithHooks(v.valuesFile);
            long renderedAt = System.nanoTime();
            KubernetesManifests manifests = KubernetesManifests.parse(rendered);
            System.out.printf("%s: rendered in %d ms, parsed in %d ms%n", v, (renderedAt - start) / 1_000_000,
                    (System.nanoTime() - renderedAt) / 1_000_000);
            return manifests;
        });
    }
}
