package dev.followup.helmcheck;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The chart under test, rendered in-process by helm-java (no helm binary). */
final class FollowupChart {

    static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    static final Path CHART = PROJECT.resolve("helm/followup-pipeline");
    static final String RELEASE = "fu";
    static final String NAMESPACE = "sales";

    private FollowupChart() {
    }

    static LintResult lintStrict() {
        return new Helm(CHART).lint().strict().call();
    }

    /** {@code helm template fu helm/followup-pipeline -n sales [-f values]}; throws when helm refuses. */
    static String template(String valuesResource) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesResource != null) {
            template = template.withValuesFile(valuesFile(valuesResource));
        }
        return template.call();
    }

    /**
     * Like {@link #template} but with the Helm hooks (the topic Job and its Secret) included: helm-java's template
     * leaves hook resources out, so this renders a copy of the chart whose {@code helm.sh/hook} annotations are
     * renamed {@code followup.dev/helm-hook} (tests read them there).
     */
    static String templateWithHooks(String valuesResource) {
        TemplateCommand template = new Helm(chartWithHooksAsResources()).template().withName(RELEASE)
                .withNamespace(NAMESPACE);
        if (valuesResource != null) {
            template = template.withValuesFile(valuesFile(valuesResource));
        }
        return template.call();
    }

    private static Path hooksAsResources;

    private static synchronized Path chartWithHooksAsResources() {
        if (hooksAsResources != null) {
            return hooksAsResources;
        }
        Path copy = Path.of("target/chart-with-hooks-as-resources/followup-pipeline").toAbsolutePath();
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(source).replace("helm.sh/hook:", "followup.dev/helm-hook:"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hooksAsResources = copy;
        return copy;
    }

    static Path valuesFile(String resource) {
        Path file = Path.of("src/test/resources/values", resource).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no values file " + file);
        }
        return file;
    }
}
