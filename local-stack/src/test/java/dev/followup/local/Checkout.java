package dev.followup.local;

import dev.followup.stack.ServiceProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The checkout the tests run in, its packaged services and local-stack's own jar, as {@code ./followup} finds them. */
final class Checkout {

    static final Path ROOT = Path.of(System.getProperty("followup.project.root", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("followup.version", "0.1.0-SNAPSHOT");

    private Checkout() {
    }

    /** A service from its packaged jar with the local profile on {@code port}, as {@code ./followup} runs it. */
    static ServiceProcess service(String name, int port, Path logDir, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--spring.profiles.active=local"));
        all.addAll(args);
        return ServiceProcess.of(name, ROOT.resolve(name + "-service/target/" + name + "-service-" + VERSION + ".jar"),
                logDir.resolve(name + ".log")).jvm(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .port(port).workDir(ROOT).args(all);
    }
}
