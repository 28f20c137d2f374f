package dev.jbert.spark;

import dev.jbert.core.train.TrainableModel;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds an executor's replica of the driver's model: same architecture, loss and frozen weights. The trainable
 * parameters are set from the driver's before every use, so the replica's own initial values do not matter.
 */
@FunctionalInterface
public interface Replica extends Serializable {

    TrainableModel create();

    /**
     * This JVM's replica for the distributed model {@code key}, built on first use. One per executor JVM: its graph
     * is not for two threads at once, and each pass already runs on all the executor's cores through ND4J's own
     * threads, so tasks of one JVM take turns on it (callers synchronise on it).
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
