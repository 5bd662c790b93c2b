package dev.followup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Java heap of a process in bytes: in use and committed. */
record HeapUsage(long used, long committed) {

    private static final Pattern NUMBER = Pattern.compile("[0-9.]+");

    /** After two full collections ({@code jcmd GC.run}), as {@code jstat -gc} reports it. */
    static HeapUsage afterGc(long pid) throws IOException, InterruptedException {
        String id = Long.toString(pid);
        run(jdkTool("jcmd"), id, "GC.run");
        run(jdkTool("jcmd"), id, "GC.run");
        return parseJstat(run(jdkTool("jstat"), "-gc", id));
    }

    /** Sums survivor, eden and old generation of {@code jstat -gc} (KB columns; works for every collector). */
    static HeapUsage parseJstat(String output) {
        String[] lines = output.strip().split("\\R");
        if (lines.length < 2) {
            throw new IllegalArgumentException("unexpected jstat output: " + output);
        }
        List<String> header = List.of(lines[0].trim().split("\\s+"));
        String[] values = lines[lines.length - 1].trim().split("\\s+");
        double used = 0;
        double committed = 0;
        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
            used += value(header, values, column);
        }
        for (String column : List.of("S0C", "S1C", "EC", "OC")) {
            committed += value(header, values, column);
        }
        return new HeapUsage(Math.round(used * 1024), Math.round(committed * 1024));
    }

    private static double value(List<String> header, String[] values, String column) {
        int i = header.indexOf(column);
        if (i < 0 || i >= values.length) {
            throw new IllegalArgumentException("jstat output has no column " + column + ": " + header);
        }
        Matcher m = NUMBER.matcher(values[i]);
        return m.find() ? Double.parseDouble(m.group()) : 0;
    }

    /**
     * The heap of a running JVM, read over one JMX connection that the attach API opens (the JVM's local management
     * agent): each read does what {@link #afterGc} does, two full collections first, without starting a
     * {@code jcmd} and a {@code jstat} process per read (seconds of CPU each on a loaded 2-core machine).
     */
    static final class Probe implements AutoCloseable {

        private final javax.management.remote.JMXConnector connector;
        private final java.lang.management.MemoryMXBean memory;

        Probe(long pid) throws Exception {
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            connector = javax.management.remote.JMXConnectorFactory.connect(
                    new javax.management.remote.JMXServiceURL(address));
            memory = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(
                    connector.getMBeanServerConnection(), java.lang.management.ManagementFactory.MEMORY_MXBEAN_NAME,
                    java.lang.management.MemoryMXBean.class);
        }

        HeapUsage afterGc() {
            memory.gc();
            memory.gc();
            java.lang.management.MemoryUsage heap = memory.getHeapMemoryUsage();
            return new HeapUsage(heap.getUsed(), heap.getCommitted());
        }

        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

    private static String jdkTool(String tool) {
        Path path = Path.of(System.getProperty("java.home"), "bin", tool);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(tool + " not found next to java (" + path + "): run the benchmark with a JDK");
        }
        return path.toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed: " + out));
        }
        return out;
    }
}
