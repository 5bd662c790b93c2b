package dev.followup.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.ingest.config.UnsubscribeProperties;
import dev.followup.ingest.problem.RateLimitedException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Pure unit test of the interceptor: each client address has its own bucket. */
class ClientAddressRateLimitTest {

    final ClientAddressRateLimit limit = new ClientAddressRateLimit(
            new UnsubscribeProperties.RateLimit(true, 0.0001, 3, 10));

    private boolean from(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/unsubscribe/t");
        request.setRemoteAddr(address);
        return limit.preHandle(request, new MockHttpServletResponse(), null);
    }

    @Test
    void anAddressOverItsBurstIsRefusedWithRetryAfterAndOthersAreNot() {
        for (int i = 0; i < 3; i++) {
            assertThat(from("203.0.113.7")).isTrue();
        }
        assertThatThrownBy(() -> from("203.0.113.7")).isInstanceOf(RateLimitedException.class)
                .satisfies(e -> {
                    assertThat(((RateLimitedException) e).retryAfterSeconds()).isPositive();
                    assertThat(((RateLimitedException) e).limited()).contains("client address");
                });
        assertThat(from("198.51.100.9")).isTrue();
    }

    @Test
    void disabledLetsEverythingThrough() {
        ClientAddressRateLimit off = new ClientAddressRateLimit(new UnsubscribeProperties.RateLimit(false, 0.0001, 1, 10));
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/unsubscribe/t");
        for (int i = 0; i < 5; i++) {
            assertThat(off.preHandle(request, new MockHttpServletResponse(), null)).isTrue();
        }
    }
}
