package dev.jbert.bench.harness;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time inside each SameDiff op, summed by op type, while {@link #recording} is on. Attached to a
 * graph it says which ops a step spends its time in, how many ops run, and (by difference with the
 * step time) how much goes outside the graph. The listener's own cost is two clock reads per op.
 */
public final class OpProfile extends BaseListener {

    private final Map<String, long[]> byOp = new HashMap<>();   // op name -> {nanos, executions}
    private long started;
    private boolean recording;

    /** Per op type: total seconds over the recorded passes and executions. */
    public record OpTime(String op, double seconds, long executions) {
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    public void recording(boolean on) {
        recording = on;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        if (recording) started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext, INDArray[] outputs) {
        if (!recording) return;
        long[] entry = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
        entry[0] += System.nanoTime() - started;
        entry[1]++;
    }

    /** Op types by total time, longest first. */
    public List<OpTime> ranked() {
        List<OpTime> out = new ArrayList<>();
        byOp.forEach((op, e) -> out.add(new OpTime(op, e[0] / 1e9, e[1])));
        out.sort(Comparator.comparingDouble(OpTime::seconds).reversed());
        return out;
    }

    public double totalSeconds() {
        return byOp.values().stream().mapToLong(e -> e[0]).sum() / 1e9;
    }

    public long totalExecutions() {
        return byOp.values().stream().mapToLong(e -> e[1]).sum();
    }
}
