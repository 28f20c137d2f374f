package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.loss.MseLoss;

import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What to put on top of the encoder.
 *
 * @param task        what is predicted
 * @param labels      label names by class index (one name for regression); the head's width
 * @param head        Linear or MLP
 * @param loss        the training loss; its label layout must suit the task
 * @param replaceHead whether a checkpoint head of another shape may be discarded for a new one
 */
public record ClassifierSpec(Task task, List<String> labels, HeadSpec head, Loss loss, boolean replaceHead) {

    public ClassifierSpec {
        if (task == null || labels == null || head == null || loss == null) {
            throw new IllegalArgumentException("task, labels, head and loss are required");
        }
        labels = List.copyOf(labels);
        int numLabels = labels.size();
        if (numLabels < 1) throw new IllegalArgumentException("a classifier needs at least one label");
        if (new HashSet<>(labels).size() != numLabels) throw new IllegalArgumentException("label names must be distinct: " + labels);
        if (task == Task.REGRESSION && numLabels != 1) {
            throw new IllegalArgumentException("regression predicts one value; got " + numLabels + " labels");
        }
        if ((task == Task.SINGLE_LABEL || task == Task.TOKEN_CLASSIFICATION) && numLabels < 2) {
            throw new IllegalArgumentException(task + " needs at least 2 labels, got " + numLabels);
        }
        Loss.LabelKind expected = labelKind(task);
        if (loss.labelKind() != expected) {
            throw new IllegalArgumentException(loss.getClass().getSimpleName() + " takes " + loss.labelKind()
                    + " labels but a " + task + " task has " + expected + " labels");
        }
    }

    /** The task with transformers' default loss, the family's own head and the given label names. */
    public static ClassifierSpec of(Task task, List<String> labels) {
        return new ClassifierSpec(task, labels, HeadSpec.nativeHead(), defaultLoss(task), false);
    }

    /** As {@link #of(Task, List)}, with transformers' default names {@code LABEL_0, LABEL_1, ...}. */
    public static ClassifierSpec of(Task task, int numLabels) {
        return of(task, IntStream.range(0, numLabels).mapToObj(i -> "LABEL_" + i).toList());
    }

    /** Head width. */
    public int numLabels() {
        return labels.size();
    }

    /** transformers' loss for each task. */
    public static Loss defaultLoss(Task task) {
        return switch (task) {
            case SINGLE_LABEL, TOKEN_CLASSIFICATION -> CrossEntropyLoss.plain();
            case MULTI_LABEL -> new BceWithLogitsLoss(null);
            case REGRESSION -> new MseLoss();
        };
    }

    static Loss.LabelKind labelKind(Task task) {
        return switch (task) {
            case SINGLE_LABEL, TOKEN_CLASSIFICATION -> Loss.LabelKind.CLASS_INDEX;
            case MULTI_LABEL -> Loss.LabelKind.MULTI_HOT;
            case REGRESSION -> Loss.LabelKind.REAL;
        };
    }

    public ClassifierSpec withLoss(Loss value) {
        return new ClassifierSpec(task, labels, head, value, replaceHead);
    }

    public ClassifierSpec withHead(HeadSpec value) {
        return new ClassifierSpec(task, labels, value, loss, replaceHead);
    }

    public ClassifierSpec withReplaceHead(boolean value) {
        return new ClassifierSpec(task, labels, head, loss, value);
    }
}
