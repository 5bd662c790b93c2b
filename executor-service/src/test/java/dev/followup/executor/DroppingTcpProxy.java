package dev.followup.executor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real server (GreenMail's IMAP) that cuts both connections once, the first time a chunk
 * in the given direction contains a marker: {@code APPEND} from the client (the server never gets the whole
 * message), or {@code APPEND completed} from the server (the message is stored, the client never hears so).
 */
public final class DroppingTcpProxy implements AutoCloseable {

    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Direction direction;
    private final String marker;
    private final AtomicInteger dropsLeft = new AtomicInteger(1);
    private final AtomicInteger dropped = new AtomicInteger();

    public DroppingTcpProxy(int upstreamPort, Direction direction, String marker) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.direction = direction;
        this.marker = marker;
        Thread accept = new Thread(this::acceptLoop, "dropping-proxy-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many connections were cut so far (the test asserts the fault really happened). */
    public int dropped() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                pump(client, server, direction == Direction.CLIENT_TO_SERVER);
                pump(server, client, direction == Direction.SERVER_TO_CLIENT);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean watch) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (watch && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(marker)
                            && dropsLeft.getAndDecrement() > 0) {
                        dropped.incrementAndGet();
                        from.setSoLinger(true, 0);
                        to.setSoLinger(true, 0);
                        from.close();
                        to.close();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "dropping-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
