package dev.followup.scheduler.api;

import dev.followup.scheduler.config.SchedulerStreams;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** Wiring of the query API: the API-key filter and the queries with their forwarding HTTP client. */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(AuthProperties auth) {
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(auth));
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    TaskQueries taskQueries(SchedulerStreams streams, Clock clock) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
        requests.setReadTimeout(Duration.ofSeconds(5));
        return new TaskQueries(streams, clock, RestClient.builder().requestFactory(requests).build());
    }
}
