package dev.followup.testkit;

import dev.followup.events.Topics;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class one real Kafka broker with every contract topic (and its DLQ) created: the embedded KRaft
 * broker of spring-kafka-test by default, a Testcontainers Kafka with {@code -Dfollowup.test.broker=testcontainers}.
 * Tests receive a {@link TestKafka} as a parameter (constructor, {@code @BeforeAll}, {@code @Test}) or through
 * {@link TestKafka#current()}. The broker stops after the class.
 *
 * <p>Spring Boot tests point the app at it with a {@code @DynamicPropertySource} method, which also gives each
 * class its own cached context: {@code registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap)}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaBrokerExtension.class)
public @interface WithKafka {

    /** Partitions of every contract topic (lead-scoped topics must all have the same count). */
    int partitions() default Topics.DEFAULT_PARTITIONS;
}
