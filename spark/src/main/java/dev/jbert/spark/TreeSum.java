package dev.jbert.spark;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums per-partition results in a tree whose every level adds {@code fanIn} partials at a time in rank order, so that
 * the float sums depend on the partitioning only, never on which task finished first or was retried. Each level is a
 * shuffle, so no JVM holds more than one group's partials at once.
 */
final class TreeSum {

    /** A sum over some partitions: {@code rank} orders it among its level's partials; scalars and arrays add elementwise. */
    @DefaultSerializer(JavaSerializer.class)
    record Partial(int rank, double[] scalars, Map<String, float[]> arrays) implements Serializable {
    }

    private TreeSum() {
    }

    static Partial of(JavaRDD<Partial> partials, int count, int fanIn) {
        if (fanIn < 2) throw new IllegalArgumentException("the tree's fan-in must be at least 2, got " + fanIn);
        JavaRDD<Partial> level = partials;
        int width = count;
        while (width > 1) {
            int next = (width + fanIn - 1) / fanIn;
            level = level.mapToPair(p -> new Tuple2<>(p.rank() / fanIn, p))
                    .groupByKey(new HashPartitioner(next))
                    .map(g -> add(g._1(), g._2()));
            width = next;
        }
        return level.collect().get(0);
    }

    private static Partial add(int rank, Iterable<Partial> group) {
        List<Partial> ordered = new ArrayList<>();
        group.forEach(ordered::add);
        ordered.sort(Comparator.comparingInt(Partial::rank));
        double[] scalars = new double[ordered.get(0).scalars().length];
        Map<String, float[]> sum = new LinkedHashMap<>();
        for (Partial p : ordered) {
            for (int i = 0; i < scalars.length; i++) scalars[i] += p.scalars()[i];
            p.arrays().forEach((name, values) -> {
                float[] into = sum.computeIfAbsent(name, k -> new float[values.length]);
                for (int i = 0; i < values.length; i++) into[i] += values[i];
            });
        }
        return new Partial(rank, scalars, sum);
    }
}
