package dev.followup.executor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * A real local HTTP server standing in for a tenant's webhook. Each path answers by a script of its own
 * (status by request number) and records what it received.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(Instant at, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** Answers 0 mean: hang until released (or 10 s), then 200. */
    public static final int HANG = 0;
    /** Answer -1 means: read the request, then close the connection without a word. */
    public static final int DROP = -1;
    /** Answer -2 means: 200 with a 10 MB body. */
    public static final int HUGE = -2;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, CountDownLatch> arrivedTasks = new ConcurrentHashMap<>();

    /** A receiver listening on a free loopback port. */
    public static WebhookReceiver started() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code path}, answering the n-th request (1-based) with {@code statusOfRequest.applyAsInt(n)}. */
    public String serve(String path, IntUnaryOperator statusOfRequest) {
        List<Received> log = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
        server.createContext(path, exchange -> respond(exchange, log, statusOfRequest, null));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * Serves {@code path} with 200 to every request, but answers a request for task {@code heldTask} (by its
     * Idempotency-Key) only once a request for task {@code untilTask} has arrived (or after 10 s).
     */
    public String serveHolding(String path, String heldTask, String untilTask) {
        List<Received> log = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
        server.createContext(path, exchange -> respond(exchange, log, n -> 200,
                heldTask.equals(exchange.getRequestHeaders().getFirst("Idempotency-Key")) ? arrived(untilTask) : null));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> requests(String path) {
        return received.getOrDefault(path, List.of());
    }

    private void respond(HttpExchange exchange, List<Received> log, IntUnaryOperator statusOfRequest,
            CountDownLatch holdUntil) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        log.add(new Received(Instant.now(), Map.copyOf(exchange.getRequestHeaders()), body));
        String task = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (task != null) {
            arrived(task).countDown();
        }
        if (holdUntil != null) {
            try {
                holdUntil.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = statusOfRequest.applyAsInt(log.size());
        if (status == HANG) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = 200;
        }
        if (status == DROP) {
            exchange.close(); // before any response header: the server closes the connection
            return;
        }
        if (status == HUGE) {
            byte[] chunk = ("{\"id\":\"huge\",\"pad\":\"" + "x".repeat(1024 * 1024)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 10; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client stopped reading after its cap: expected
            }
            return;
        }
        if (status / 100 == 3) {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:9/elsewhere");
        }
        byte[] answer = status / 100 == 2 ? ("{\"id\":\"draft-" + log.size() + "\",\"link\":\"https://crm.example/d/"
                + log.size() + "\"}").getBytes(StandardCharsets.UTF_8) : "{}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        }
    }

    private CountDownLatch arrived(String task) {
        return arrivedTasks.computeIfAbsent(task, t -> new CountDownLatch(1));
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
