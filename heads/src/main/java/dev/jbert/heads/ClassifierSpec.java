package dev.jbert.heads;

import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.loss.MseLoss;

/**
 * What to put on top of the encoder.
 *
 * @param task        what is predicted
 * @param numLabels   head width (1 for regression)
 * @param head        Linear or MLP
 * @param loss        the training loss; its label layout must suit the task
 * @param replaceHead whether a checkpoint head of another shape may be discarded for a new one
 */
public record ClassifierSpec(TaskType task, int numLabels, HeadSpec head, Loss loss, boolean replaceHead) {

    public ClassifierSpec {
        if (task == null || head == null || loss == null) throw new IllegalArgumentException("task, head and loss are required");
        if (numLabels < 1) throw new IllegalArgumentException("numLabels must be >= 1, got " + numLabels);
        if ((task == TaskType.SINGLE_LABEL || task == TaskType.TOKEN_CLASSIFICATION) && numLabels < 2) {
            throw new IllegalArgumentException(task + " needs at least 2 labels, got " + numLabels);
        }
        Loss.LabelKind expected = labelKind(task);
        if (loss.labelKind() != expected) {
            throw new IllegalArgumentException(loss.getClass().getSimpleName() + " takes " + loss.labelKind()
                    + " labels but a " + task + " task has " + expected + " labels");
        }
    }

    /** The task with transformers' default loss and a Linear head. */
    public static ClassifierSpec of(TaskType task, int numLabels) {
        return new ClassifierSpec(task, numLabels, HeadSpec.linear(), defaultLoss(task), false);
    }

    /** transformers' loss for each task. */
    public static Loss defaultLoss(TaskType task) {
        return switch (task) {
            case SINGLE_LABEL, TOKEN_CLASSIFICATION -> CrossEntropyLoss.plain();
            case MULTI_LABEL -> new BceWithLogitsLoss(null);
            case REGRESSION -> new MseLoss();
        };
    }

    static Loss.LabelKind labelKind(TaskType task) {
        return switch (task) {
            case SINGLE_LABEL, TOKEN_CLASSIFICATION -> Loss.LabelKind.CLASS_INDEX;
            case MULTI_LABEL -> Loss.LabelKind.MULTI_HOT;
            case REGRESSION -> Loss.LabelKind.REAL;
        };
    }

    public ClassifierSpec withLoss(Loss value) {
        return new ClassifierSpec(task, numLabels, head, value, replaceHead);
    }

    public ClassifierSpec withHead(HeadSpec value) {
        return new ClassifierSpec(task, numLabels, value, loss, replaceHead);
    }

    public ClassifierSpec withReplaceHead(boolean value) {
        return new ClassifierSpec(task, numLabels, head, loss, value);
    }
}
