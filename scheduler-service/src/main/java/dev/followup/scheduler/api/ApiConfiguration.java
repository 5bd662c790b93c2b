package dev.followup.scheduler.api;

import dev.followup.scheduler.config.SchedulerStreams;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Wiring of the query API: the API-key filter and the queries with their forwarding HTTP client. */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(AuthProperties auth) {
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(auth));
        registration.addUrlPatterns("/*");
        return registration;
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
    TaskQueries taskQueries(SchedulerStreams streams, Clock clock) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
        requests.setReadTimeout(Duration.ofSeconds(5));
        return new TaskQueries(streams, clock, RestClient.builder().requestFactory(requests).build());
    }
}
