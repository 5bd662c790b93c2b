package dev.followup.ingest.validation;

import dev.followup.events.DurationText;
import dev.followup.events.Identifiers;
import dev.followup.events.TimeZones;
import dev.followup.ingest.problem.FieldProblem;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.scheduling.support.CronExpression;

/**
 * The field rules of the contract as Bean Validation constraints. Messages never interpolate the rejected value
 * (it is reported separately, shortened), so user input never reaches the message interpolator.
 */
public final class Constraints {

    private Constraints() {
    }

    /** An identifier: 1-128 of letters, digits, '.', '_', '-', '@' (null is valid; add @NotNull when required). */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = IdentifierValidator.class)
    public @interface Id {
        String message() default Identifiers.PROBLEM;
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class IdentifierValidator implements ConstraintValidator<Id, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Identifiers.isValid(value);
        }
    }

    /** An IANA region time zone id such as Europe/Paris; abbreviations and fixed offsets are rejected. */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = TimeZoneValidator.class)
    public @interface IanaZone {
        String message() default "must be an IANA time zone id such as Europe/Paris or America/New_York";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class TimeZoneValidator implements ConstraintValidator<IanaZone, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            return TimeZones.problemWith(value).map(problem -> {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
                return false;
            }).orElse(true);
        }
    }

    /** A duration in the contract's text form: 30m, 2h, -15m, 1d or ISO-8601 (PT30M). */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = DurationValidator.class)
    public @interface DurationValue {
        String message() default "must be a duration: a whole number and a unit s, m, h or d (e.g. 30m, 2h, 1d), or ISO-8601 such as PT30M";
        boolean allowNegative() default false;
        /** The shortest accepted duration in the contract's text form ({@code 1h}); empty: no lower bound. */
        String min() default "";
        /** The longest accepted duration ({@code 90d}); empty: 10 years. */
        String max() default "";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class DurationValidator implements ConstraintValidator<DurationValue, String> {
        private boolean allowNegative;
        private String min;
        private String max;

        @Override
        public void initialize(DurationValue annotation) {
            allowNegative = annotation.allowNegative();
            min = annotation.min();
            max = annotation.max();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (value.length() > 32 || !DurationText.isValid(value)) {
                return false;
            }
            Duration d = DurationText.parse("value", value);
            if (!allowNegative && d.isNegative()) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must not be negative").addConstraintViolation();
                return false;
            }
            if (d.abs().compareTo(Duration.ofDays(3650)) > 0) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be at most 10 years").addConstraintViolation();
                return false;
            }
            if (!min.isEmpty() && d.compareTo(DurationText.parse("min", min)) < 0
                    || !max.isEmpty() && d.compareTo(DurationText.parse("max", max)) > 0) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be between " + (min.isEmpty() ? "0s" : min)
                        + " and " + (max.isEmpty() ? "3650d" : max)).addConstraintViolation();
                return false;
            }
            return true;
        }
    }

    /** A cron expression as {@link dev.followup.events.CronText} defines it, parsed as the scheduler parses it. */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = CronValidator.class)
    public @interface CronText {
        String message() default dev.followup.events.CronText.PROBLEM;
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class CronValidator implements ConstraintValidator<CronText, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || dev.followup.events.CronText.isValid(value, CronExpression::isValidExpression);
        }
    }

    /**
     * A repeat names exactly one schedule ({@code every} or {@code cron}) and an interval of at least one second;
     * the problem is reported on the field at fault.
     */
    @Target({ElementType.TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = OneScheduleValidator.class)
    public @interface OneSchedule {
        String message() default "needs exactly one of every and cron";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    /** What {@link OneSchedule} checks: a body with the two schedule fields. */
    public interface Schedule {
        String every();
        String cron();
    }

    public static final class OneScheduleValidator implements ConstraintValidator<OneSchedule, Schedule> {
        @Override
        public boolean isValid(Schedule value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if ((value.every() == null) == (value.cron() == null)) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("needs exactly one of every and cron")
                        .addPropertyNode(value.every() == null ? "every" : "cron").addConstraintViolation();
                return false;
            }
            if (value.every() != null && DurationText.isValid(value.every())
                    && DurationText.parse("every", value.every()).compareTo(Duration.ofSeconds(1)) < 0) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be at least 1s").addPropertyNode("every")
                        .addConstraintViolation();
                return false;
            }
            return true;
        }
    }

    /**
     * Why a valid schedule fires more often than {@code min}, as a problem on {@code every} or {@code cron} (its field
     * relative to the repeat); empty when it does not, or when it is invalid (Bean Validation reports that). A cron is
     * judged by {@link dev.followup.events.CronText#shortestGap}, as the scheduler judges it.
     */
    public static Optional<FieldProblem> tooFrequent(Schedule value,
            Duration min) {
        String text = DurationText.format(min);
        if (value.every() != null && DurationText.isValid(value.every())) {
            return DurationText.parse("every", value.every()).compareTo(min) < 0
                    ? Optional.of(FieldProblem.of("every", value.every(),
                            "must be at least the minimum interval " + text))
                    : Optional.empty();
        }
        if (value.cron() != null && CronExpression.isValidExpression(value.cron())) {
            Duration gap = dev.followup.events.CronText.shortestGap(CronExpression.parse(value.cron())::next);
            if (gap != null && gap.compareTo(min) < 0) {
                return Optional.of(FieldProblem.of("cron", value.cron(),
                        "fires every " + DurationText.format(gap) + ", more often than the minimum interval " + text));
            }
        }
        return Optional.empty();
    }

    /** {@code 1m}, {@code 10s}, {@code 2h} (ISO-8601 when not whole seconds). */
    /** An ISO-8601 local date-time without offset, e.g. 2026-03-29T09:30. */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = LocalDateTimeValidator.class)
    public @interface LocalDateTimeText {
        String message() default "must be an ISO-8601 local date-time without offset, e.g. 2026-03-29T09:30";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class LocalDateTimeValidator implements ConstraintValidator<LocalDateTimeText, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                LocalDateTime.parse(value);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }
    }

    /** An ISO-8601 instant with a zone offset, e.g. 2026-03-29T09:30:00Z or 2026-03-29T11:30:00+02:00. */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = InstantValidator.class)
    public @interface InstantText {
        String message() default "must be an ISO-8601 instant with offset, e.g. 2026-03-29T09:30:00Z";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class InstantValidator implements ConstraintValidator<InstantText, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || parseInstant(value) != null;
        }
    }

    /** Parses an instant as {@link InstantText} accepts it; null if it does not parse. */
    public static Instant parseInstant(String value) {
        if (value == null || value.length() > 40) {
            return null;
        }
        try {
            Instant i = OffsetDateTime.parse(value).toInstant();
            return i.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || i.isAfter(Instant.parse("9999-12-31T23:59:59Z"))
                    ? null : i;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A local time of day HH:mm (00:00-23:59). */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = HourMinuteValidator.class)
    public @interface HourMinute {
        String message() default "must be a local time HH:mm between 00:00 and 23:59";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class HourMinuteValidator implements ConstraintValidator<HourMinute, String> {
        private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || HH_MM.matcher(value).matches();
        }
    }

    /** One of a fixed set of names (an enum of the contract). */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = OneOfValidator.class)
    public @interface OneOf {
        String[] value();
        String message();
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class OneOfValidator implements ConstraintValidator<OneOf, String> {
        private Set<String> allowed;

        @Override
        public void initialize(OneOf annotation) {
            allowed = Set.copyOf(Arrays.asList(annotation.value()));
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || allowed.contains(value);
        }
    }

    /**
     * Text a person reads: no control characters (line breaks and tabs only where {@code multiline}), no unpaired
     * surrogates, no non-characters, so every value encodes to UTF-8 exactly as sent.
     */
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = PlainTextValidator.class)
    public @interface PlainText {
        String message() default "must not contain control characters, unpaired surrogates or non-characters";
        boolean multiline() default false;
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    public static final class PlainTextValidator implements ConstraintValidator<PlainText, String> {
        private boolean multiline;

        @Override
        public void initialize(PlainText annotation) {
            multiline = annotation.multiline();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        return false;
                    }
                    i++;
                    continue;
                }
                if (Character.isLowSurrogate(c) || c == '\uFFFE' || c == '\uFFFF' || (c >= '\uFDD0' && c <= '\uFDEF')) {
                    return false;
                }
                if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
                    return false;
                }
            }
            return true;
        }
    }
}
