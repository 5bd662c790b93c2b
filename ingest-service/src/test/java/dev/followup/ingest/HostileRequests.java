package dev.followup.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A seeded generator of malformed and hostile requests against every ingest route. Each request carries exactly one
 * defect from one family, so the answer it must get is known: the family's documented 4xx. Every defect is one the
 * API rejects by contract (an identifier outside {@code [A-Za-z0-9._@-]{1,128}}, a body that is not the route's JSON,
 * a missing or wrong credential...), so nothing may ever be published, whatever else the request carries. Harmless
 * noise (forwarding headers, cookies, odd user agents) is added at random and must change nothing.
 */
final class HostileRequests {

    /** One request: {@code path} is already percent-encoded, {@code expected} the statuses its family may get. */
    record Hostile(String family, String method, String path, String key, String contentType, byte[] body,
            List<String> headers, Set<Integer> expected) {
        @Override
        public String toString() {
            String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
            return family + ": " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path) + " "
                    + shown.replaceAll("\\p{Cntrl}", "?");
        }
    }

    /** A route of the API with a valid body, and how its path looks with given ids. */
    private record Route(String method, String contentType, String body, int ids, boolean bodyOptional,
            Function<String[], String> path) {
        boolean hasBody() {
            return body != null;
        }
    }

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";

    private static final List<Route> ROUTES = List.of(
            new Route("POST", JSON, "{\"leadId\":\"lead-1\",\"name\":\"Ada\"}", 0, false, id -> "/v1/leads"),
            new Route("POST", JSON, "{\"predProb\":0.5}", 1, false, id -> "/v1/leads/" + id[0] + "/score"),
            new Route("POST", JSON, "{\"kind\":\"REPLIED\"}", 1, false, id -> "/v1/leads/" + id[0] + "/engagements"),
            new Route("DELETE", null, null, 1, false, id -> "/v1/leads/" + id[0]),
            new Route("POST", JSON, "{\"bookingId\":\"b-1\",\"leadId\":\"lead-1\",\"localStart\":\"2026-03-29T09:30\","
                    + "\"timezone\":\"Europe/Paris\"}", 0, false, id -> "/v1/bookings"),
            new Route("PUT", JSON, "{\"leadId\":\"lead-1\",\"localStart\":\"2026-03-29T09:30\",\"timezone\":\"UTC\"}", 1,
                    false, id -> "/v1/bookings/" + id[0]),
            new Route("DELETE", null, null, 2, false, id -> "/v1/bookings/" + id[0] + "?leadId=" + id[1]),
            new Route("POST", JSON, "{}", 2, true, id -> "/v1/leads/" + id[0] + "/sequences/" + id[1]),
            new Route("POST", JSON, "{}", 1, true, id -> "/v1/leads/" + id[0] + "/pause"),
            new Route("POST", JSON, "{}", 1, true, id -> "/v1/leads/" + id[0] + "/resume"),
            new Route("POST", JSON, "{\"leadId\":\"lead-1\",\"channel\":\"SMS\",\"dueAt\":\"2026-05-01T12:00:00Z\"}", 0,
                    false, id -> "/v1/tasks"),
            new Route("DELETE", null, null, 2, false, id -> "/v1/tasks/" + id[0] + "?leadId=" + id[1]),
            new Route("PUT", JSON, "{\"timezone\":\"UTC\"}", 0, false, id -> "/v1/settings"),
            new Route("GET", null, null, 0, false, id -> "/v1/settings"),
            new Route("PUT", JSON, "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\"}]}", 1, false,
                    id -> "/v1/sequences/" + id[0]),
            new Route("GET", null, null, 1, false, id -> "/v1/sequences/" + id[0]),
            new Route("DELETE", null, null, 1, false, id -> "/v1/sequences/" + id[0]),
            new Route("POST", NDJSON, "{\"type\":\"score\",\"leadId\":\"lead-1\",\"predProb\":0.5}\n", 0, false,
                    id -> "/v1/events:batch"));

    /** Identifiers that break the identifier rule, percent-encoded for the path or the query. */
    private static final List<String> HOSTILE_IDS = List.of(
            "a%3Ab", "a%20b", "x".repeat(129), "x".repeat(3000), "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fsettings",
            "..%5C..%5Cwindows", "lead%00", "lead%0Aid", "lead%0D%0AX-Injected:%201", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "%27%20OR%201%3D1%20--", "l%C3%A9ad", "%F0%9F%98%80", "%C3%28", "%FF%FE", "%252e%252e", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
            "lead%2Fx", "lead%23frag", "%E2%80%AE", "lead%2Cother", "%7B%7D", "lead*", "lead+1", "%5B0%5D", "...",
            "....");

    /** Raw paths that climb out of the API or split differently; they may match no route (404) or be refused (400). */
    private static final List<String> TRAVERSALS = List.of("../../etc/passwd", "..", "../tasks", "%2e%2e",
            "./../x");

    private static final List<String> BROKEN_JSON = List.of("{", "{\"leadId\":", "{'leadId':'a'}", "[]", "\"x\"", "42",
            "true", "{\"a\":1}}", "{} x", "{\"leadId\":\"lead-1\",}", "{\"leadId\":NaN}", "{\"predProb\":NaN}",
            "{\"predProb\":Infinity}", "{\"predProb\":-Infinity}", "{/*c*/}", "// c\n{}", "{\"a\":\"\u0001\"}",
            "{\"name\":\"line\nbreak\"}", "{\"x\":01}", "{\"x\":0x10}", "{\"x\":.5}", "{\"x\":+1}", "\uFEFF{}x",
            "{\"x\":\"\\uZZZZ\"}", "{\"x\":\"\\q\"}", "{\"x\" 1}", "{,}", "{\"x\":[1,]}", "{\"\u0000\":1}");

    private final Random random;
    private final List<String> families = List.of("credentials", "path-id", "traversal", "broken-json",
            "deep-nesting", "wrong-type", "huge-number", "control-chars", "unknown-field", "content-type",
            "idempotency-key", "header-size", "accept", "oversize", "query", "batch", "method");

    HostileRequests(long seed) {
        this.random = new Random(seed);
    }

    List<Hostile> generate(int count) {
        List<Hostile> out = new ArrayList<>(count);
        while (out.size() < count) {
            Hostile h = next(families.get(random.nextInt(families.size())));
            if (h != null) {
                out.add(h);
            }
        }
        return out;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String[] validIds(Route r) {
        String[] ids = new String[Math.max(r.ids(), 2)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i == 0 && random.nextBoolean() ? "lead-" + random.nextInt(1000) : "id_" + random.nextInt(1000);
        }
        return ids;
    }

    private Hostile make(String family, Route r, String path, String key, String contentType, byte[] body,
            List<String> headers, Integer... expected) {
        List<String> h = new ArrayList<>(headers);
        noise(h);
        return new Hostile(family, r.method(), path, key, contentType, body, h, Set.copyOf(List.of(expected)));
    }

    private Hostile plain(String family, Route r, String body, Integer... expected) {
        return make(family, r, r.path().apply(validIds(r)), IngestClient.ACME_KEY, r.contentType(),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), List.of(), expected);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Headers an attacker adds that must change nothing: forwarding, cookies, a spoofed tenant, odd agents. */
    private void noise(List<String> h) {
        if (random.nextInt(4) != 0) {
            return;
        }
        switch (random.nextInt(5)) {
            case 0 -> h.addAll(List.of("X-Forwarded-For", "127.0.0.1, 10.0.0.1, evil", "X-Forwarded-Host", "evil.example"));
            case 1 -> h.addAll(List.of("Cookie", "JSESSIONID=" + "a".repeat(100) + "; tenant=globex"));
            case 2 -> h.addAll(List.of("X-Tenant-Id", "globex", "X-Followup-Tenant", "globex"));
            case 3 -> h.addAll(List.of("User-Agent", "() { :; }; echo vulnerable", "Referer", "javascript:alert(1)"));
            default -> h.addAll(List.of("X-HTTP-Method-Override", "DELETE", "Accept-Language", "xx-" + "Y".repeat(200)));
        }
    }

    private Hostile next(String family) {
        Route r = pick(ROUTES);
        switch (family) {
            case "credentials": {
                String key = pick(List.of("", "dev-acme-key-wrong", "DEV-ACME-KEY",
                        "62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c", "a.b.c",
                        "eyJhbGciOiJub25lIn0.eyJ0ZW5hbnQiOiJhY21lIn0.", "x".repeat(8000), "null", "' OR 1=1 --"));
                if (key.isEmpty()) {
                    key = null;
                }
                List<String> h = random.nextInt(3) == 0 ? List.of("Authorization", pick(List.of("Basic YWNtZTpkZXYtYWNtZS1rZXk=",
                        "Bearer", "Bearer  ", "Digest x", "bearer", "Token dev-acme-key"))) : List.of();
                return make(family, r, r.path().apply(validIds(r)), h.isEmpty() ? key : null, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), h, 401);
            }
            case "path-id": {
                if (r.ids() == 0) {
                    return null;
                }
                String[] ids = validIds(r);
                ids[random.nextInt(r.ids())] = pick(HOSTILE_IDS);
                return make(family, r, r.path().apply(ids), IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), List.of(), 400, 404);
            }
            case "traversal": {
                if (r.ids() == 0) {
                    return null;
                }
                String[] ids = validIds(r);
                ids[0] = pick(TRAVERSALS);
                return make(family, r, r.path().apply(ids), IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), List.of(), 400, 404, 405);
            }
            case "broken-json": {
                if (!r.hasBody()) {
                    return null;
                }
                String broken = pick(BROKEN_JSON);
                if (r.bodyOptional() && broken.equals("{}")) {
                    return null;
                }
                return plain(family, r, broken, 400);
            }
            case "deep-nesting": {
                if (!r.hasBody()) {
                    return null;
                }
                int depth = 600 + random.nextInt(30_000);
                boolean arrays = random.nextBoolean();
                String open = arrays ? "[" : "{\"a\":";
                String close = arrays ? "]" : "}";
                String nested = open.repeat(depth) + "1" + close.repeat(depth);
                String field = r.method().equals("PUT") && r.path().apply(new String[] {"x", "x"}).equals("/v1/settings")
                        ? "channels" : "attributes";
                String body = r.contentType().equals(NDJSON) ? "{\"type\":\"lead\",\"attributes\":" + nested + "}\n"
                        : "{\"" + field + "\":" + nested + "}";
                return plain(family, r, body, 400);
            }
            case "wrong-type": {
                if (!r.hasBody() || r.body().length() < 3 || r.contentType().equals(NDJSON)) {
                    return null;
                }
                // replace the first value of the valid body by a value of another JSON type
                String valid = r.body();
                int colon = valid.indexOf(':');
                int end = valid.indexOf(',', colon);
                if (end < 0) {
                    end = valid.lastIndexOf('}');
                }
                String original = valid.substring(colon + 1, end);
                String wrong = original.startsWith("\"")
                        ? pick(List.of("123", "true", "[]", "{}", "[\"a\"]", "-1e308", "{\"$ne\":null}"))
                        : pick(List.of("\"0.5\"", "true", "[]", "{}", "\"high\"", "[0.5]"));
                if (original.startsWith("[") || original.startsWith("{")) {
                    wrong = pick(List.of("\"x\"", "1", "true"));
                }
                return plain(family, r, valid.substring(0, colon + 1) + wrong + valid.substring(end), 400);
            }
            case "huge-number": {
                String number = pick(List.of("1e400", "-1e400", "1" + "0".repeat(2000), "0." + "1".repeat(2000),
                        "1e-400", "9".repeat(400), "123456789012345678901234567890", "-0", "4.9e-324", "1.7976931348623157e309",
                        "1E999999999"));
                Route score = ROUTES.get(1);
                Route settings = ROUTES.get(12);
                if (random.nextBoolean()) {
                    // predProb must be 0..1: anything huge, or more digits than a number may have
                    if (number.equals("-0") || number.equals("4.9e-324") || number.equals("1e-400")
                            || number.startsWith("0.")) {
                        number = "1e400";
                    }
                    return plain(family, score, "{\"predProb\":" + number + "}", 400);
                }
                if (number.equals("-0") || number.startsWith("0.") || number.contains("e-")) {
                    number = "-1e400";
                }
                return plain(family, settings, "{\"maxTasksPerDay\":" + number + "}", 400);
            }
            case "control-chars": {
                String bad = pick(List.of("\\u0000", "\\u0007", "\\u001b[31m", "\\ud800", "\\udfff", "\\uffff", "\\u0008"));
                Route lead = ROUTES.get(0);
                String field = pick(List.of("leadId", "name"));
                String body = field.equals("leadId") ? "{\"leadId\":\"lead" + bad + "\",\"name\":\"Ada\"}"
                        : "{\"leadId\":\"lead-1\",\"name\":\"Ada" + bad + "\"}";
                return plain(family, lead, body, 400);
            }
            case "unknown-field": {
                if (!r.hasBody() || r.contentType().equals(NDJSON)) {
                    return null;
                }
                String extra = pick(List.of("\"__proto__\":{\"admin\":true}", "\"constructor\":{}", "\"@class\":\"java.lang.Runtime\"",
                        "\"tenantId\":\"globex\"", "\"nickname\":\"A\"", "\"\":1", "\"LEADID\":\"x\""));
                String body = r.body().equals("{}") ? "{" + extra + "}" : "{" + extra + "," + r.body().substring(1);
                return plain(family, r, body, extra.contains("globex") ? 403 : 400, 400);
            }
            case "content-type": {
                if (!r.hasBody()) {
                    return null;
                }
                String type = pick(List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded", "application/jsonx", "text/html", "application/octet-stream",
                        r.contentType().equals(NDJSON) ? JSON : NDJSON));
                return make(family, r, r.path().apply(validIds(r)), IngestClient.ACME_KEY, type, utf8(r.body()),
                        List.of(), 415);
            }
            case "idempotency-key": {
                if (r.method().equals("GET")) {
                    return null;
                }
                String key = pick(List.of("a key with spaces", "k".repeat(256), "k".repeat(1000), "two words"));
                return make(family, r, r.path().apply(validIds(r)), IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), List.of("Idempotency-Key", key), 400);
            }
            case "header-size": {
                List<String> h = new ArrayList<>();
                if (random.nextBoolean()) {
                    h.addAll(List.of("X-Padding", "p".repeat(17_000 + random.nextInt(20_000))));
                } else {
                    for (int i = 0; i < 400; i++) {
                        h.addAll(List.of("X-H" + i, "v".repeat(60)));
                    }
                }
                return make(family, r, r.path().apply(validIds(r)), IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), h, 400, 431);
            }
            case "accept": {
                String accept = pick(List.of("application/xml", "text/html", "image/png", "application/x-java-serialized-object"));
                return make(family, r, r.path().apply(validIds(r)), IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), List.of("Accept", accept), 406);
            }
            case "oversize": {
                if (!r.hasBody() || r.contentType().equals(NDJSON)) {
                    return null;
                }
                String pad = "\"pad\":\"" + "p".repeat(260 * 1024 + random.nextInt(200_000)) + "\"";
                String body = r.body().equals("{}") ? "{" + pad + "}" : "{" + pad + "," + r.body().substring(1);
                return plain(family, r, body, 413);
            }
            case "query": {
                Route q = pick(List.of(ROUTES.get(6), ROUTES.get(11)));
                String base = q.path().apply(new String[] {"id_" + random.nextInt(100), "lead-1"});
                String path = base.substring(0, base.indexOf('?')) + pick(List.of("", "?leadId=", "?leadid=lead-1",
                        "?leadId=" + pick(HOSTILE_IDS), "?leadId=lead-1&leadId=lead-2", "?leadId=.", "?leadId=..",
                        "?leadId=%2E%2E"));
                return make(family, q, path, IngestClient.ACME_KEY, null, null, List.of(), 400);
            }
            case "batch": {
                Route batch = ROUTES.get(17);
                String good = batch.body();
                String bad = pick(List.of("not json\n", "{\"type\":\"fax\",\"leadId\":\"lead-1\"}\n",
                        "{\"type\":\"score\",\"leadId\":\"a b\",\"predProb\":0.5}\n", "{\"type\":\"score\",\"leadId\":\"..\",\"predProb\":0.5}\n", "{\"leadId\":\"lead-1\"}\n",
                        "[1,2,3]\n", "{\"type\":\"score\",\"leadId\":\"lead-1\",\"predProb\":NaN}\n",
                        "{\"type\":\"lead\",\"tenantId\":\"globex\",\"leadId\":\"l\",\"name\":\"M\"}\n", "{}\n"));
                String body = good.repeat(random.nextInt(5)) + bad + good.repeat(random.nextInt(3));
                return plain(family, batch, body, bad.contains("globex") ? 403 : 400, 400);
            }
            case "method": {
                String method = pick(List.of("PATCH", "PUT", "POST", "DELETE", "TRACE", "PROPFIND", "FOO"));
                if (method.equals(r.method())) {
                    return null;
                }
                String path = r.path().apply(validIds(r));
                boolean otherRouteThere = ROUTES.stream().anyMatch(o -> o.method().equals(method)
                        && o.path().apply(validIds(o)).replaceAll("\\?.*", "").replaceAll("(lead|id)[-_]\\d+", "ID")
                                .equals(path.replaceAll("\\?.*", "").replaceAll("(lead|id)[-_]\\d+", "ID")));
                if (otherRouteThere) {
                    return null;
                }
                Hostile h = make(family, r, path, IngestClient.ACME_KEY, r.contentType(),
                        r.body() == null ? null : utf8(r.body()), List.of(), 405, 400);
                return new Hostile(family, method, h.path(), h.key(), h.contentType(), h.body(), h.headers(),
                        h.expected());
            }
            default:
                throw new IllegalArgumentException(family);
        }
    }
}
