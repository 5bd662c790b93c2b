package dev.followup.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.TenantGrants;
import dev.followup.events.WebhookTargets;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The typed properties of the tenant boundary as the service binds them at startup: what an operator sets (in YAML
 * or as environment variables, as the Helm chart does), and the mistakes that stop the service with a message
 * naming the property: webhook allow-list, grants, and the JWT issuer, audience and tenants.
 */
class StartupPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({WebhookProperties.class, GrantProperties.class, AuthProperties.class})
    static class Bound {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    private static String failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void byDefaultNoTargetIsAllowedAndNoReferenceGranted() {
        runner.run(context -> {
            WebhookTargets targets = context.getBean(WebhookProperties.class).targets();
            assertThat(targets.problemWith("http://127.0.0.1/")).isPresent();
            assertThat(targets.problemWith("https://crm.example.com/")).isEmpty();
            TenantGrants grants = context.getBean(GrantProperties.class).grants();
            assertThat(grants.webhookSecretGrants()).isEmpty();
            assertThat(grants.mailboxGrants()).isEmpty();
        });
    }

    @Test
    void environmentVariablesSetTheAllowListAndCommaListGrants() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                        "FOLLOWUP_WEBHOOKS_ALLOWEDTARGETS", "10.20.0.0/16,crm.internal",
                        "FOLLOWUP_GRANTS_WEBHOOKSECRETS_CRM", "acme,globex",
                        "FOLLOWUP_GRANTS_MAILBOXES_SALES", "acme")))).run(context -> {
            WebhookTargets targets = context.getBean(WebhookProperties.class).targets();
            assertThat(targets.problemWith("http://10.20.3.4/hook")).isEmpty();
            assertThat(targets.problemWith("http://crm.internal/hook")).isEmpty();
            assertThat(targets.problemWith("http://10.21.0.1/hook")).isPresent();
            assertThat(targets.allows(InetAddress.getByName("10.20.0.1"))).isTrue();
            TenantGrants grants = context.getBean(GrantProperties.class).grants();
            assertThat(grants.mayUseWebhookSecret("globex", "crm")).isTrue();
            assertThat(grants.mayUseMailbox("acme", "sales")).isTrue();
            assertThat(grants.mayUseMailbox("globex", "sales")).isFalse();
        });
    }

    @Test
    void refNamesWithADashBindFromYamlKeys() {
        runner.withPropertyValues("followup.grants.webhook-secrets.globex-crm=globex").run(context ->
                assertThat(context.getBean(GrantProperties.class).webhookSecrets())
                        .isEqualTo(Map.of("globex-crm", List.of("globex"))));
    }

    @Test
    void aMalformedAllowedTargetStopsStartupNamingTheEntry() {
        runner.withPropertyValues("followup.webhooks.allowed-targets=127.0.0.0/8,not a host!").run(context ->
                assertThat(failure(context)).contains("followup.webhooks.allowed-targets: 'not a host!' is neither"));
        runner.withPropertyValues("followup.webhooks.allowed-targets=10.0.0.0/33").run(context ->
                assertThat(failure(context)).contains("followup.webhooks.allowed-targets: '10.0.0.0/33'"));
    }

    @Test
    void aGrantToSomethingThatIsNotATenantIdStopsStartupNamingIt() {
        runner.withPropertyValues("followup.grants.mailboxes.sales=acme,a:b").run(context ->
                assertThat(failure(context)).contains("followup.grants.mailboxes.sales[] 'a:b'"));
    }

    @Test
    void jwtWithoutAnAudienceStopsStartupNamingTheProperty() {
        runner.withPropertyValues("followup.auth.tenants=acme", "followup.auth.jwt.public-key-location=file:key.pem",
                "followup.auth.jwt.issuer-uri=https://idp.example.test/").run(context ->
                assertThat(failure(context)).contains("followup.auth.jwt.audience is required"));
        runner.withPropertyValues("followup.auth.tenants=acme",
                "followup.auth.jwt.issuer-uri=https://idp.example.test/").run(context ->
                assertThat(failure(context)).contains("followup.auth.jwt.audience is required"));
    }

    @Test
    void jwtWithoutAnIssuerStopsStartupNamingTheProperty() {
        runner.withPropertyValues("followup.auth.tenants=acme",
                "followup.auth.jwt.jwk-set-uri=https://idp.example.test/jwks",
                "followup.auth.jwt.audience=followup-ingest").run(context ->
                assertThat(failure(context)).contains("followup.auth.jwt.issuer-uri is required"));
        runner.withPropertyValues("followup.auth.tenants=acme", "followup.auth.jwt.public-key-location=file:key.pem",
                "followup.auth.jwt.audience=followup-ingest").run(context ->
                assertThat(failure(context)).contains("followup.auth.jwt.issuer-uri is required"));
    }

    @Test
    void jwtWithNoTenantToNameStopsStartup() {
        runner.withPropertyValues("followup.auth.jwt.issuer-uri=https://idp.example.test/",
                "followup.auth.jwt.audience=followup-ingest").run(context ->
                assertThat(failure(context)).contains("followup.auth.tenants: JWT is enabled but no tenant"));
    }

    @Test
    void theConfiguredTenantsAreTheApiKeysTenantsAndTheExplicitList() {
        runner.withPropertyValues("followup.auth.api-keys[0].tenant=acme", "followup.auth.api-keys[0].sha256=00",
                "followup.auth.tenants=initech, globex", "followup.auth.jwt.issuer-uri=https://idp.example.test/",
                "followup.auth.jwt.audience=followup-ingest").run(context -> {
            AuthProperties auth = context.getBean(AuthProperties.class);
            assertThat(auth.configuredTenants()).containsExactlyInAnyOrder("acme", "globex", "initech");
            assertThat(auth.jwt().enabled()).isTrue();
        });
        runner.withPropertyValues("followup.auth.tenants=a:b").run(context ->
                assertThat(failure(context)).contains("followup.auth.tenants[] 'a:b'"));
    }

    @Test
    void withoutJwtNeitherIssuerNorAudienceIsNeeded() {
        runner.run(context -> assertThat(context.getBean(AuthProperties.class).jwt().enabled()).isFalse());
    }
}
