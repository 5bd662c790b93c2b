package dev.followup.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Starts one broker per test class (see {@link WithKafka}) and closes it after the class. */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    /** System property choosing the broker: {@code embedded} (default) or {@code testcontainers}. */
    public static final String BROKER_PROPERTY = "followup.test.broker";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        int partitions = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKafka.class)
                .map(WithKafka::partitions)
                .orElse(dev.followup.events.Topics.DEFAULT_PARTITIONS);
        // A nested class shares its enclosing class's broker.
        TestKafka existing = context.getStore(NAMESPACE).get(TestKafka.class, TestKafka.class);
        if (existing != null) {
            return;
        }
        TestKafka kafka = TestKafka.start(createBroker(), partitions);
        context.getStore(NAMESPACE).put(TestKafka.class, kafka);
    }

    private static TestBroker createBroker() {
        String kind = System.getProperty(BROKER_PROPERTY, "embedded");
        return switch (kind) {
            case "embedded" -> new EmbeddedTestBroker();
            case "testcontainers" -> new ContainerTestBroker();
            default -> throw new IllegalStateException(
                    "-D" + BROKER_PROPERTY + "='" + kind + "' is not a broker kind: use embedded or testcontainers");
        };
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestKafka kafka = extensionContext.getStore(NAMESPACE).get(TestKafka.class, TestKafka.class);
        if (kafka == null) {
            throw new IllegalStateException("no broker for " + extensionContext.getDisplayName());
        }
        return kafka;
    }
}
