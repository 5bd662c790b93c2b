package dev.followup.executor.provider;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Striped locks by task id, so two copies of one task drafted at the same time in this instance cannot both
 * find "no draft yet" and both write one. (Across instances the provider's own check is what remains.)
 */
public final class TaskLocks {

    private final ReentrantLock[] stripes;

    public TaskLocks(int stripes) {
        this.stripes = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new ReentrantLock();
        }
    }

    public <T> T withLock(String taskId, Supplier<T> action) {
        ReentrantLock lock = stripes[Math.floorMod(taskId.hashCode(), stripes.length)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
