package dev.followup.ingest.security;

import dev.followup.events.UnsubscribeTokens;
import dev.followup.ingest.config.AuthProperties;
import dev.followup.ingest.problem.ProblemWriter;
import dev.followup.ingest.problem.Problems;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.security.interfaces.RSAPublicKey;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may call what: actuator {@code health} and {@code info} are open, and so are GET and POST of the unsubscribe
 * links ({@code /v1/unsubscribe/{token}}: the signed token is their credential, and the people who click them have
 * no API key); everything else (the API, metrics, the OpenAPI description) needs
 * {@code Authorization: Bearer <api key | JWT>}. Stateless, no sessions, no CSRF (no
 * cookies are ever accepted). Failures are problem+json 401/403.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, TenantAuthenticationManager authentication,
            ProblemWriter problems,
            @org.springframework.beans.factory.annotation.Value("${management.server.port:-1}") int managementPort,
            @org.springframework.beans.factory.annotation.Value("${server.port:8080}") int serverPort) throws Exception {
        // Prometheus scrapes without an API key only on a separate management port, which the Helm chart never
        // exposes outside the cluster (docs/design.md §8); on the API port metrics stay behind auth.
        org.springframework.security.web.util.matcher.RequestMatcher scrapeOnManagementPort = request ->
                managementPort > 0 && managementPort != serverPort && request.getLocalPort() == managementPort
                        && "/actuator/prometheus".equals(request.getRequestURI());
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            problems.write(request, response, Problems.unauthorized());
        };
        AccessDeniedHandler denied = (request, response, e) ->
                problems.write(request, response, Problems.forbidden("This credential may not do that"));
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .anonymous(a -> a.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers(scrapeOnManagementPort).permitAll()
                        .requestMatchers(HttpMethod.GET, UnsubscribeTokens.PATH + "*").permitAll()
                        .requestMatchers(HttpMethod.POST, UnsubscribeTokens.PATH + "*").permitAll()
                        .anyRequest().hasRole("TENANT"))
                .oauth2ResourceServer(o -> o
                        .authenticationManagerResolver(request -> authentication)
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(denied))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(denied));
        return http.build();
    }

    @Bean
    TenantAuthenticationManager tenantAuthenticationManager(AuthProperties properties, ResourceLoader resources)
            throws IOException {
        return new TenantAuthenticationManager(properties, jwtDecoder(properties, resources));
    }

    /**
     * The OIDC/JWT decoder, only when {@code followup.auth.jwt.*} names an issuer, a JWK set or a public key. The keys
     * come from the public key, else the JWK set, else the issuer's discovery document: an issuer set next to a key
     * source is used to check tokens only, so no discovery is fetched. The issuer and the audience are always checked.
     */
    static JwtDecoder jwtDecoder(AuthProperties properties, ResourceLoader resources) throws IOException {
        AuthProperties.Jwt jwt = properties.jwt();
        if (!jwt.enabled()) {
            return null;
        }
        NimbusJwtDecoder decoder;
        if (jwt.publicKeyLocation() != null && !jwt.publicKeyLocation().isBlank()) {
            try (InputStream in = resources.getResource(jwt.publicKeyLocation()).getInputStream()) {
                RSAPublicKey key = RsaKeyConverters.x509().convert(in);
                decoder = NimbusJwtDecoder.withPublicKey(key).build();
            }
        } else if (jwt.jwkSetUri() != null && !jwt.jwkSetUri().isBlank()) {
            decoder = NimbusJwtDecoder.withJwkSetUri(jwt.jwkSetUri()).build();
        } else {
            decoder = NimbusJwtDecoder.withIssuerLocation(jwt.issuerUri()).build();
        }
        // AuthProperties.Jwt requires both when JWT is enabled
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(jwt.issuerUri()), new JwtAudienceValidator(jwt.audience())));
        return decoder;
    }
}
