package dev.followup.ingest.web;

import dev.followup.events.Topics;
import dev.followup.ingest.publish.Outbound;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Lead ids travel in every lead-scoped key, store key, file name and log line, and stay in compacted topics until
 * compaction: they must be pseudonymous (docs/data-lifecycle.md). An id that looks like an email address is accepted,
 * since refusing it would break callers that already use one, but the answer carries a {@code Warning} header and
 * {@code followup.ingest.lead-id.email-like} counts the records. The id itself is never logged.
 */
public final class EmailLikeLeadIds {

    public static final String HEADER = "Warning";
    /** RFC 9111 §5.5 warn-code 299 ("miscellaneous persistent warning"). */
    public static final String WARNING = "299 - \"leadId looks like an email address; use a pseudonymous id\"";
    private static final Set<String> LEAD_TOPICS = Set.of(Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS, Topics.COMMANDS);
    /** Something, an @, then a domain with at least one dot: what a person would read as an address. */
    private static final Pattern EMAIL_LIKE = Pattern.compile("[^@]+@[^@.]+(\\.[^@.]+)+");

    private final Counter emailLike;

    public EmailLikeLeadIds(MeterRegistry meters) {
        emailLike = Counter.builder("followup.ingest.lead-id.email-like")
                .description("Accepted records whose leadId looks like an email address (answered with a Warning)")
                .register(meters);
    }

    static boolean looksLikeEmail(String leadId) {
        return leadId != null && EMAIL_LIKE.matcher(leadId).matches();
    }

    /** Counts the records keyed by an email-like lead id; the {@code Warning} value to answer with, or null. */
    String check(List<Outbound> records) {
        int found = 0;
        for (Outbound record : records) {
            if (LEAD_TOPICS.contains(record.topic()) && record.key() != null
                    && looksLikeEmail(record.key().substring(record.key().indexOf(':') + 1))) {
                found++;
            }
        }
        if (found == 0) {
            return null;
        }
        emailLike.increment(found);
        return WARNING;
    }
}
