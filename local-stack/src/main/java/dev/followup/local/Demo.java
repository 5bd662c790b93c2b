package dev.followup.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./followup demo}: gives tenant {@code acme} short demo delays, feeds sample leads and a booking through
 * the public HTTP API, enrolls a lead in a 3-step cadence and has it reply half-way (a reply file dropped into
 * {@code var/mail/acme/INBOX/new/}, which the executor's inbox watcher reads), then prints every receipt as it arrives
 * until Ctrl-C.
 */
final class Demo {

    /** Between the cadence's SMS step (about +11 s after enrolment) and its call step (about +31 s). */
    private static final Duration REPLY_AFTER = Duration.ofSeconds(24);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String ingest;
    private String console;
    private final String apiKey;
    private String cadenceLead;
    private Path mail;

    private Demo(String ingest, String apiKey) {
        this.ingest = ingest;
        this.apiKey = apiKey;
    }

    static void run(String bootstrap, String ingest, String scheduler, String apiKey, Path var) throws Exception {
        Demo demo = new Demo(ingest, apiKey);
        demo.mail = var.resolve("mail").resolve("acme");
        demo.console = scheduler + "/console/index.html";
        try (ReceiptPrinter printer = new ReceiptPrinter(bootstrap, false)) {
            Runtime.getRuntime().addShutdownHook(new Thread(printer::stop));
            demo.feed();
            ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "demo-reply");
                t.setDaemon(true);
                return t;
            });
            later.schedule(demo::reply, REPLY_AFTER.toSeconds(), TimeUnit.SECONDS);
            System.out.println();
            System.out.println("Receipts as they arrive (Ctrl-C stops the demo and the stack):");
            printer.printUntilStopped();
        }
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
        step("sequence demo-cadence: email now, wait 10 s, SMS, then a call 20 s later", "PUT",
                "/v1/sequences/demo-cadence", """
                {"name": "Demo cadence", "enabled": true, "steps": [
                  {"type": "EMAIL", "delay": "0s", "subject": "Following up, {{name}}", "body": "Shall we talk?"},
                  {"type": "WAIT", "delay": "10s"},
                  {"type": "SMS", "delay": "0s", "body": "Hi {{name}}, quick follow-up on my email."},
                  {"type": "CALL", "delay": "20s"}]}
                """);
        Thread.sleep(2000); // sequence definitions also reach the scheduler through a compacted topic
        cadenceLead = "cadence-" + run;
        step("lead " + cadenceLead + " enrolled in demo-cadence -> an email draft now, an SMS draft about 10 s after it; "
                + "the lead replies by email at +" + REPLY_AFTER.toSeconds() + " s (a file in var/mail/acme/INBOX/new/), "
                + "so the call step never comes",
                "POST", "/v1/leads", """
                {"leadId": "%s", "name": "Katherine Johnson", "email": "katherine@example.com", "phone": "+12025550199"}
                """.formatted(cadenceLead));
        step(null, "POST", "/v1/leads/" + cadenceLead + "/sequences/demo-cadence", "{}");
        System.out.println("Drafts land in var/mail/acme/Drafts/new/ (email) and var/outbox/acme/*.jsonl (SMS, call).");
        System.out.println("Ops console (API key dev-acme-key): " + console + " — the booked lead's journey: "
                + console + "#journey?lead=" + booked);
    }

    /**
     * The lead answers the cadence's email: a reply file dropped into the tenant's Maildir inbox, naming the draft's
     * {@code Message-ID} in {@code In-Reply-To}, which the executor's inbox watcher turns into
     * {@code LeadEngaged{REPLIED}}. Without the draft (not made yet) it posts the engagement to the API instead.
     */
    private void reply() {
        try {
            Optional<String> messageId = draftMessageIdOf(cadenceLead);
            if (messageId.isPresent()) {
                Path inbox = mail.resolve("INBOX");
                String name = System.currentTimeMillis() / 1000 + ".demo-" + cadenceLead + ".localhost";
                Files.createDirectories(inbox.resolve("tmp"));
                Files.createDirectories(inbox.resolve("new"));
                Path tmp = inbox.resolve("tmp").resolve(name);
                Files.writeString(tmp, """
                        From: Katherine Johnson <katherine@example.com>
                        To: followup@localhost
                        Subject: Re: Following up
                        Message-ID: <%s@demo.localhost>
                        In-Reply-To: %s
                        References: %s

                        Thanks, let's talk next week!
                        """.formatted(name, messageId.get(), messageId.get()).replace("\n", "\r\n"),
                        StandardCharsets.UTF_8);
                Files.move(tmp, inbox.resolve("new").resolve(name), StandardCopyOption.ATOMIC_MOVE);
                System.out.println("-- " + cadenceLead + " replied by email (" + shown(inbox.resolve("new")) + name
                        + "): the inbox watcher reads it and its cadence stops (no call draft will follow)");
                return;
            }
            System.out.println("-- " + cadenceLead + " replied (no email draft found, so through the API): its cadence stops");
            step(null, "POST", "/v1/leads/" + cadenceLead + "/engagements", "{\"kind\": \"REPLIED\"}");
        } catch (Exception e) {
            System.out.println("-- could not deliver the reply: " + e.getMessage());
        }
    }

    /** The {@code Message-ID} of the lead's email draft in the tenant's Maildir, found by {@code X-Followup-Lead-Id}. */
    private Optional<String> draftMessageIdOf(String lead) throws IOException {
        for (String sub : new String[] {"new", "cur"}) {
            Path dir = mail.resolve("Drafts").resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String id = null;
                    boolean ours = false;
                    for (String line : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                        if (line.isEmpty()) {
                            break;
                        }
                        String lower = line.toLowerCase(Locale.ROOT);
                        if (lower.startsWith("message-id:")) {
                            id = line.substring("message-id:".length()).strip();
                        } else if (lower.startsWith("x-followup-lead-id:")) {
                            ours = line.substring("x-followup-lead-id:".length()).strip().equals(lead);
                        }
                    }
                    if (ours && id != null) {
                        return Optional.of(id);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return (p.startsWith(cwd) ? cwd.relativize(p) : p) + "/";
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
