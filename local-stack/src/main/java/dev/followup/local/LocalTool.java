package dev.followup.local;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Java side of {@code ./followup}, which checks for a JDK, builds what is missing and hands over to this:
 * {@code up [-d]}, {@code demo}, {@code down}, {@code status} and {@code bench} run the stack ({@link LocalStack});
 * {@code create-topics} and {@code receipts} are tools on their own. {@code -Dfollowup.root} is the checkout.
 */
public final class LocalTool {

    private LocalTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LocalTool up [-d]|demo|down|status|bench|create-topics|receipts [options]");
            System.exit(2);
        }
        List<String> rest = List.of(Arrays.copyOfRange(args, 1, args.length));
        int code;
        try {
            code = run(args[0], rest);
        } catch (LocalStack.Failure e) {
            if (e.getMessage() != null) {
                System.err.println("followup: " + e.getMessage());
            }
            code = 1;
        }
        System.exit(code);
    }

    private static int run(String command, List<String> rest) throws Exception {
        Options options = Options.parse(rest.toArray(String[]::new));
        return switch (command) {
            case "up" -> stack().up(rest.contains("-d") || rest.contains("--detach"));
            case "demo" -> stack().demo();
            case "down" -> {
                stack().down();
                yield 0;
            }
            case "status" -> stack().status();
            case "bench" -> stack().bench(rest);
            case "create-topics" -> TopicProvisioner.run(options);
            case "receipts" -> ReceiptPrinter.run(options);
            default -> {
                System.err.println("unknown subcommand: " + command);
                yield 2;
            }
        };
    }

    private static LocalStack stack() {
        Path root = Path.of(System.getProperty("followup.root", "."));
        return new LocalStack(StackSettings.from(root, System.getProperty("followup.version", "0.1.0-SNAPSHOT"),
                System.getenv()));
    }
}
