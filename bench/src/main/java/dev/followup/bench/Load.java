package dev.followup.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load averages (what {@code uptime} prints), so figures from a busy machine say so. */
final class Load {

    private Load() {
    }

    /** 1, 5 and 15-minute load averages; only the 1-minute one (the others NaN) where /proc is missing. */
    static double[] now() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Double.NaN,
                    Double.NaN};
        }
    }
}
