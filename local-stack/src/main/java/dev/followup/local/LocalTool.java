package dev.followup.local;

import java.util.Arrays;

/**
 * The Java side of {@code ./followup}: the shell script manages processes, this does what needs Kafka or HTTP.
 * Subcommands: {@code server-properties}, {@code create-topics}, {@code wait-ready}, {@code demo}, {@code receipts}.
 */
public final class LocalTool {

    private LocalTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LocalTool server-properties|create-topics|wait-ready|demo|receipts [options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Options options = Options.parse(rest);
        int code = switch (args[0]) {
            case "server-properties" -> BrokerConfig.write(options);
            case "create-topics" -> TopicProvisioner.run(options);
            case "wait-ready" -> ReadinessWait.run(options);
            case "demo" -> Demo.run(options);
            case "receipts" -> ReceiptPrinter.run(options);
            default -> {
                System.err.println("unknown subcommand: " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }
}
