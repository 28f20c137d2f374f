package dev.jbert.spark;

import dev.jbert.core.train.TrainableModel;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds an executor's replica of the driver's model: same architecture, loss and frozen weights. The trainable
 * parameters are set from the driver's before every use, so the replica's own initial values do not matter.
 *
 * <p>The model {@link #create} returns need not be thread-safe: the tasks of one JVM take turns on it (see
 * {@link #cached}).
 */
@FunctionalInterface
public interface Replica extends Serializable {

    /**
     * Builds the replica; called once per executor JVM and distributed model.
     *
     * @return a new model of the driver's architecture, loss and frozen weights
     */
    TrainableModel create();

    /**
     * This JVM's replica for the distributed model {@code key}, built on first use. One per executor JVM: its graph
     * is not for two threads at once, and each pass already runs on all the executor's cores through ND4J's own
     * threads, so tasks of one JVM take turns on it (callers synchronise on it).
     *
     * @param key     the distributed model's id
     * @param factory builds the replica when this JVM has none for {@code key}
     * @return the JVM's replica for {@code key}
     */
    static TrainableModel cached(String key, Replica factory) {
        return Cache.REPLICAS.computeIfAbsent(key, k -> factory.create());
    }

    /** Replicas of this JVM, by the id of the distributed model they serve. */
    final class Cache {
        private static final Map<String, TrainableModel> REPLICAS = new ConcurrentHashMap<>();

        private Cache() {
        }
    }
}
