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
