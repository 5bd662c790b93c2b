package dev.followup.scheduler.api;

import dev.followup.scheduler.config.SchedulerProperties;
import dev.followup.scheduler.config.SchedulerStreams;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wiring of the query API: the API-key filter, the per-tenant rate limit and the queries with their forwarding HTTP
 * client.
 */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(AuthProperties auth, InternalAuthProperties internal,
            Clock clock) {
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
                new ApiKeyFilter(auth, credential(internal), clock));
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** After the key check (the filter above), so the tenant is known: {@code /v1/**} only. */
    @Bean
    WebMvcConfigurer queryRateLimit(QueryRateLimitProperties limits) {
        QueryRateLimit limit = new QueryRateLimit(limits);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(limit).addPathPatterns("/v1/**");
            }
        };
    }

    /** The ops console's pages: same-origin scripts and styles only, never framed, no referrer. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> consoleHeaders() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                        + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Referrer-Policy", "no-referrer");
                response.setHeader("Cache-Control", "no-cache");
                chain.doFilter(request, response);
            }
        });
        registration.addUrlPatterns("/console", "/console/*");
        return registration;
    }

    /** {@code /console} and {@code /console/} open the console's page. */
    @Bean
    WebMvcConfigurer consoleRedirect() {
        return new WebMvcConfigurer() {
            @Override
            public void addViewControllers(ViewControllerRegistry registry) {
                registry.addRedirectViewController("/console", "/console/index.html");
                registry.addRedirectViewController("/console/", "/console/index.html");
            }
        };
    }

    @Bean(destroyMethod = "close")
    RetryCommands retryCommands(org.springframework.boot.kafka.autoconfigure.KafkaProperties kafka, Clock clock) {
        return new RetryCommands(kafka.buildProducerProperties(), clock, Duration.ofSeconds(5));
    }

    @Bean
    TaskQueries taskQueries(SchedulerStreams streams, Clock clock, InternalAuthProperties internal,
            SchedulerProperties scheduler, ObjectProvider<SslBundles> sslBundles) {
        if (!internal.enabled() && scheduler.applicationServer() != null && !scheduler.applicationServer().isBlank()) {
            // a single instance needs no secret; several without one answer from their own stores only
            log.atWarn().setMessage("internal-auth.secret_missing").addKeyValue("detail",
                    "followup.scheduler.internal-auth.secret is not set: this instance will not ask other instances"
                            + " for data they host (503) nor answer their forwarded queries").log();
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (!internal.sslBundle().isEmpty()) {
            // https to the other instances, trusting this bundle rather than the JVM's default trust store
            client.sslContext(sslBundles.getObject().getBundle(internal.sslBundle()).createSslContext());
        }
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(client.build());
        requests.setReadTimeout(Duration.ofSeconds(5));
        PeerClient peers = new PeerClient(RestClient.builder().requestFactory(requests).build(), internal.scheme(),
                credential(internal), clock);
        return new TaskQueries(streams, clock, peers);
    }

    private static InternalCredential credential(InternalAuthProperties internal) {
        return internal.enabled() ? new InternalCredential(internal.secret(), internal.maxAge()) : null;
    }
}
