package dev.followup.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * {@code ./followup demo}: gives tenant {@code acme} short demo delays, feeds sample leads and a booking through
 * the public HTTP API, then prints every receipt as it arrives until Ctrl-C. (Sequences join the demo when the
 * scheduler runs them.)
 */
final class Demo {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String ingest;
    private final String apiKey;

    private Demo(String ingest, String apiKey) {
        this.ingest = ingest;
        this.apiKey = apiKey;
    }

    static int run(Options options) throws Exception {
        String bootstrap = options.get("bootstrap", "127.0.0.1:9092");
        Demo demo = new Demo(options.get("ingest", "http://127.0.0.1:8080"), options.get("api-key", "dev-acme-key"));
        try (ReceiptPrinter printer = new ReceiptPrinter(bootstrap, false)) {
            Runtime.getRuntime().addShutdownHook(new Thread(printer::stop));
            demo.feed();
            System.out.println();
            System.out.println("Receipts as they arrive (Ctrl-C stops the demo and the stack):");
            printer.printUntilStopped();
        }
        return 0;
    }

    private void feed() throws Exception {
        String run = Long.toString(Instant.now().getEpochSecond(), 36);
        System.out.println("Demo feed for tenant acme (run " + run + "):");

        step("settings: follow-ups 5 s and 15 s after a hot score, a call at each booking start, any day and hour",
                "PUT", "/v1/settings", """
                {"autoEnabled": true, "leadScoreThreshold": 0.7,
                 "leadFollowUps": [{"delay": "5s", "channel": "EMAIL"}, {"delay": "15s", "channel": "EMAIL"}],
                 "bookingFollowUps": [{"offset": "0m", "channel": "CALL"}],
                 "timezone": "Europe/Berlin", "workingDays": ["MON","TUE","WED","THU","FRI","SAT","SUN"],
                 "sendWindow": null, "maxTasksPerDay": 400,
                 "channels": {"SMS": {"webhookSecretRef": "local"}, "CALL": {"webhookSecretRef": "local"}}}
                """);
        // Settings travel through a compacted topic to the scheduler; give them a moment to arrive.
        Thread.sleep(3000);

        String hot = "hot-" + run;
        String cold = "cold-" + run;
        String booked = "booked-" + run;
        step("hot lead " + hot + " (score 0.91) -> drafts expected at +5 s and +15 s", "POST", "/v1/leads", """
                {"leadId": "%s", "name": "Ada Lovelace", "email": "ada@example.com", "phone": "+441632960001",
                 "timezone": "Europe/London", "predProb": 0.91, "attributes": {"company": "Analytical Engines"}}
                """.formatted(hot));
        step("cold lead " + cold + " (score 0.20) -> nothing expected", "POST", "/v1/leads", """
                {"leadId": "%s", "name": "Charles Babbage", "email": "charles@example.com", "predProb": 0.2}
                """.formatted(cold));
        ZoneId newYork = ZoneId.of("America/New_York");
        LocalDateTime start = LocalDateTime.now(newYork).plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
        step("lead " + booked + " books a meeting at " + start + " America/New_York (20 s from now) -> a call draft then",
                "POST", "/v1/leads", """
                {"leadId": "%s", "name": "Grace Hopper", "phone": "+12025550123", "timezone": "America/New_York", "predProb": 0.4}
                """.formatted(booked));
        step(null, "POST", "/v1/bookings", """
                {"bookingId": "bk-%s", "leadId": "%s", "localStart": "%s", "timezone": "America/New_York", "bookingType": "demo"}
                """.formatted(run, booked, start));
        System.out.println("Drafts land in var/mail/acme/Drafts/new/ (email) and var/outbox/acme/*.jsonl (SMS, call).");
    }

    private void step(String description, String method, String path, String json) throws Exception {
        if (description != null) {
            System.out.println("- " + description);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            System.out.println("    " + method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
    }
}
