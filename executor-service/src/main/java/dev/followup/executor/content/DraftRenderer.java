package dev.followup.executor.content;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.followup.events.Identifiers;
import dev.followup.events.TimeZones;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a task's subject and body with Mustache (JMustache). Which template: the task's own subject/body (they
 * are templates too) win; else the task's {@code templateId}; else the default for the channel and reason. Each
 * name is looked up first in the tenant's directory ({@code <templates-dir>/<tenantId>/<channel>/<name>.<part>.mustache})
 * then in the built-in {@code templates/<channel>/<name>.<part>.mustache}. A missing variable is an error, not an
 * empty string: a draft that says "Hello ," is worse than a FAILED receipt that names the variable.
 *
 * <p>The task arrives from a topic that trusted services may write directly, so the renderer does not rely on the
 * scheduler's checks: the tenant id and template id must be contract identifiers, and the template's normalised path
 * must stay inside the tenant's own directory. Compiled built-in templates are kept in a bounded LRU cache.
 */
public final class DraftRenderer {

    private static final DateTimeFormatter DUE_FORMAT =
            DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm z", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("HH:mm");

    private final Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false).nullValue("");
    private final Path tenantTemplatesDir;
    private final Map<String, Optional<Template>> builtIn;

    /** @param cacheSize compiled built-in templates kept (looked-up names without a template count too) */
    public DraftRenderer(Path tenantTemplatesDir, int cacheSize) {
        this.tenantTemplatesDir = tenantTemplatesDir == null ? null : tenantTemplatesDir.toAbsolutePath().normalize();
        this.builtIn = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Optional<Template>> eldest) {
                return size() > cacheSize;
            }
        });
    }

    /** Compiled built-in templates held now (at most the cache size). */
    public int cachedTemplates() {
        return builtIn.size();
    }

    /**
     * @param tenantZone the tenant's time zone, used when the contact has none
     * @throws TemplateFailure naming the template and the problem
     */
    public RenderedDraft render(DueTask task, String tenantZone) {
        if (!Identifiers.isValid(task.getTenantId())) {
            throw new TemplateFailure(Identifiers.describe("tenantId", task.getTenantId()));
        }
        if (task.getTemplateId() != null && !Identifiers.isValid(task.getTemplateId())) {
            throw new TemplateFailure(Identifiers.describe("templateId", task.getTemplateId()));
        }
        Map<String, Object> context = contextOf(task, tenantZone);
        String subject = task.getSubject() != null
                ? renderInline("subject", task.getSubject(), context)
                : renderNamed(task, "subject", context, task.getChannel() == Channel.EMAIL);
        String body = task.getBody() != null
                ? renderInline("body", task.getBody(), context)
                : renderNamed(task, "body", context, true);
        return new RenderedDraft(subject == null ? null : subject.strip(), body);
    }

    private String renderInline(String part, String source, Map<String, Object> context) {
        try {
            return compiler.compile(source).execute(context);
        } catch (MustacheException e) {
            throw new TemplateFailure("task " + part + " template: " + e.getMessage(), e);
        }
    }

    private String renderNamed(DueTask task, String part, Map<String, Object> context, boolean required) {
        String channel = task.getChannel().name().toLowerCase(Locale.ROOT);
        String name = task.getTemplateId() != null ? task.getTemplateId()
                : task.getReason().name().toLowerCase(Locale.ROOT);
        String label = channel + "/" + name + "." + part;
        Optional<Template> template = tenantTemplate(task.getTenantId(), channel, name, part)
                .or(() -> builtInTemplate(channel, name, part));
        if (template.isEmpty() && task.getTemplateId() == null) {
            label = channel + "/default." + part;
            template = builtInTemplate(channel, "default", part);
        }
        if (template.isEmpty()) {
            if (!required) {
                return null;
            }
            throw new TemplateFailure("no template " + label + (task.getTemplateId() != null
                    ? " (unknown templateId '" + task.getTemplateId() + "' for channel " + task.getChannel() + ")" : ""));
        }
        try {
            return template.get().execute(context);
        } catch (MustacheException e) {
            throw new TemplateFailure("template " + label + ": " + e.getMessage(), e);
        }
    }

    private Optional<Template> tenantTemplate(String tenantId, String channel, String name, String part) {
        if (tenantTemplatesDir == null) {
            return Optional.empty();
        }
        Path tenantDir = tenantTemplatesDir.resolve(tenantId).normalize();
        Path file = tenantDir.resolve(channel).resolve(name + "." + part + ".mustache").normalize();
        if (!tenantDir.getParent().equals(tenantTemplatesDir) || !file.startsWith(tenantDir)) {
            // identifiers cannot leave the directory; this holds even if that rule were ever loosened
            throw new TemplateFailure("template " + channel + "/" + name + "." + part + " is outside the tenant's directory");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(compile(channel + "/" + name + "." + part, Files.readString(file)));
        } catch (IOException e) {
            throw new TemplateFailure("cannot read tenant template " + channel + "/" + name + "." + part + ": " + e.getMessage(), e);
        }
    }

    private Optional<Template> builtInTemplate(String channel, String name, String part) {
        String resource = "templates/" + channel + "/" + name + "." + part + ".mustache";
        Optional<Template> cached = builtIn.get(resource);
        if (cached != null) {
            return cached;
        }
        Optional<Template> template;
        try (InputStream in = DraftRenderer.class.getClassLoader().getResourceAsStream(resource)) {
            template = in == null ? Optional.empty()
                    : Optional.of(compile(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new TemplateFailure("cannot read built-in template " + resource + ": " + e.getMessage(), e);
        }
        builtIn.put(resource, template);
        return template;
    }

    private Template compile(String label, String source) {
        try {
            return compiler.compile(source);
        } catch (MustacheException e) {
            throw new TemplateFailure("template " + label + " does not compile: " + e.getMessage(), e);
        }
    }

    /** The values a template sees: task fields, {@code contact.*}, {@code context.*} and context keys at top level. */
    static Map<String, Object> contextOf(DueTask task, String tenantZone) {
        Map<String, Object> values = new HashMap<>();
        task.getContext().forEach(values::put);
        values.put("context", new HashMap<>(task.getContext()));
        ZoneId zone = TimeZones.resolve(task.getContact().getTimezone(), tenantZone);
        Instant due = task.getDueAt();
        Map<String, Object> contact = new HashMap<>();
        String name = task.getContact().getName();
        contact.put("name", name);
        String firstName = firstName(name);
        contact.put("firstName", firstName);
        contact.put("email", task.getContact().getEmail());
        contact.put("phone", task.getContact().getPhone());
        contact.put("timezone", task.getContact().getTimezone());
        values.put("contact", contact);
        values.put("name", name);
        values.put("firstName", firstName);
        values.put("taskId", task.getTaskId());
        values.put("tenantId", task.getTenantId());
        values.put("leadId", task.getLeadId());
        values.put("bookingId", task.getBookingId());
        values.put("sequenceId", task.getSequenceId());
        values.put("stepIndex", task.getStepIndex());
        values.put("stepNumber", task.getStepIndex() == null ? null : task.getStepIndex() + 1);
        values.put("channel", task.getChannel().name());
        values.put("reason", task.getReason().name());
        values.put("attempt", task.getAttempt());
        values.put("timezone", zone.getId());
        ZonedDateTime local = due.atZone(zone);
        values.put("dueAt", DUE_FORMAT.format(local));
        values.put("dueAtIso", due.toString());
        values.put("dueDate", DateTimeFormatter.ISO_LOCAL_DATE.format(local));
        values.put("dueTime", TIME_FORMAT.format(local));
        return values;
    }

    private static String firstName(String name) {
        if (name == null || name.isBlank()) {
            return name;
        }
        String stripped = name.strip(); // the first whitespace-separated word, without a regex per task
        int end = 0;
        while (end < stripped.length() && !Character.isWhitespace(stripped.charAt(end))) {
            end++;
        }
        return stripped.substring(0, end);
    }
}
