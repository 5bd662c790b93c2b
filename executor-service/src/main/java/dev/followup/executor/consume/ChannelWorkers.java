package dev.followup.executor.consume;

import dev.followup.events.v1.Channel;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * One bounded pool of worker threads per channel: the provider calls (blocking I/O) run here, so one instance
 * drafts {@code concurrency} tasks of a channel at once, far beyond its partition count. Idle threads time out.
 */
public final class ChannelWorkers implements AutoCloseable {

    private final Map<Channel, ThreadPoolExecutor> pools = new EnumMap<>(Channel.class);

    public ChannelWorkers(Iterable<Channel> channels, ToIntFunction<Channel> concurrency) {
        for (Channel channel : channels) {
            int size = concurrency.applyAsInt(channel);
            AtomicInteger n = new AtomicInteger();
            String prefix = "draft-" + channel.name().toLowerCase(Locale.ROOT) + "-";
            ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, prefix + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            pools.put(channel, pool);
        }
    }

    public ThreadPoolExecutor of(Channel channel) {
        ThreadPoolExecutor pool = pools.get(channel);
        if (pool == null) {
            throw new IllegalArgumentException("channel " + channel + " is not run by this instance");
        }
        return pool;
    }

    @Override
    public void close() throws InterruptedException {
        pools.values().forEach(ThreadPoolExecutor::shutdown);
        for (ThreadPoolExecutor pool : pools.values()) {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
