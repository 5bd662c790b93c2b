package dev.followup.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Waits until every {@code name=url} answers 2xx (actuator readiness), or the timeout passes.
 * Exits 1 naming the services that are not ready.
 */
final class ReadinessWait {

    private ReadinessWait() {
    }

    static int run(Options options) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(Long.parseLong(options.get("timeout", "120")));
        Map<String, String> pending = new LinkedHashMap<>();
        for (String arg : options.positional()) {
            int eq = arg.indexOf('=');
            pending.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
            pending.entrySet().removeIf(e -> {
                boolean ready = isReady(http, e.getValue());
                if (ready) {
                    System.out.println("  ready: " + e.getKey());
                }
                return ready;
            });
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        if (!pending.isEmpty()) {
            System.err.println("not ready after " + timeout.toSeconds() + " s: " + String.join(", ", pending.keySet()));
            return 1;
        }
        return 0;
    }

    static boolean isReady(HttpClient http, String url) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (Exception e) {
            return false;
        }
    }
}
