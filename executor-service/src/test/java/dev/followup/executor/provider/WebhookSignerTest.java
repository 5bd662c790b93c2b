package dev.followup.executor.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void signsTimestampDotBodyWithHmacSha256() {
        // reference value: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac dev-webhook-secret
        assertThat(WebhookSigner.signature("dev-webhook-secret", 1_700_000_000L, "{\"a\":1}"))
                .isEqualTo("t=1700000000,v1=85a8297cf9fae53850953fb4e8e09924ba64293bdfaac2ecfd7d0ad5067cb957");
    }
}
