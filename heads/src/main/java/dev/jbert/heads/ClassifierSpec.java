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
 * @param checkpointHead what becomes of a checkpoint head of another shape
 */
public record ClassifierSpec(Task task, List<String> labels, HeadSpec head, Loss loss, CheckpointHead checkpointHead) {

    /**
     * Checks that the parts fit together and copies the labels.
     *
     * @param task        what is predicted
     * @param labels      label names by class index
     * @param head        Linear or MLP
     * @param loss        the training loss
     * @param checkpointHead what becomes of a checkpoint head of another shape
     * @throws IllegalArgumentException when a part is null, the label names are not distinct or too few for the task
     *                                  (one for regression, at least two for single-label and token classification),
     *                                  or the loss takes another label layout than the task's
     */
    public ClassifierSpec {
        if (task == null || labels == null || head == null || loss == null || checkpointHead == null) {
            throw new IllegalArgumentException("task, labels, head, loss and checkpoint head are required");
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

    /**
     * The task with transformers' default loss, the family's own head and the given label names.
     *
     * @param task   what is predicted
     * @param labels label names by class index
     * @return the spec, keeping a checkpoint's head
     */
    public static ClassifierSpec of(Task task, List<String> labels) {
        return new ClassifierSpec(task, labels, HeadSpec.nativeHead(), defaultLoss(task), CheckpointHead.KEEP);
    }

    /**
     * As {@link #of(Task, List)}, with transformers' default names {@code LABEL_0, LABEL_1, ...}.
     *
     * @param task      what is predicted
     * @param numLabels the head's width
     * @return the spec
     */
    public static ClassifierSpec of(Task task, int numLabels) {
        return of(task, IntStream.range(0, numLabels).mapToObj(i -> "LABEL_" + i).toList());
    }

    /**
     * Head width.
     *
     * @return the number of labels
     */
    public int numLabels() {
        return labels.size();
    }

    /**
     * transformers' loss for each task: cross-entropy for single-label and token classification, BCE with logits for
     * multi-label, mean squared error for regression.
     *
     * @param task the task
     * @return the task's default loss, unweighted
     */
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

    /**
     * @param value the new loss
     * @return a copy with that loss
     */
    public ClassifierSpec withLoss(Loss value) {
        return new ClassifierSpec(task, labels, head, value, checkpointHead);
    }

    /**
     * @param value the new head
     * @return a copy with that head
     */
    public ClassifierSpec withHead(HeadSpec value) {
        return new ClassifierSpec(task, labels, value, loss, checkpointHead);
    }

    /**
     * @param value what becomes of a checkpoint head of another shape
     * @return a copy with that setting
     */
    public ClassifierSpec withCheckpointHead(CheckpointHead value) {
        return new ClassifierSpec(task, labels, head, loss, value);
    }
}
