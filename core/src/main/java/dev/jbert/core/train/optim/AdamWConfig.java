package dev.jbert.core.train.optim;

import java.io.Serializable;

/**
 * The hyperparameters of {@link AdamW} other than the learning rate, which changes every step.
 *
 * @param beta1       decay of the first moment, in {@code [0, 1)}
 * @param beta2       decay of the second moment, in {@code [0, 1)}
 * @param epsilon     added to the bias-corrected root of the second moment, {@code >= 0}
 * @param weightDecay decoupled weight decay, {@code >= 0}, applied only to parameters the decay rule selects
 * @serial exclude
 */
// serialisable for the replicas of distributed training, which step their own AdamW with the driver's settings
public record AdamWConfig(double beta1, double beta2, double epsilon, double weightDecay) implements Serializable {

    /**
     * Validates the hyperparameters.
     *
     * @param beta1       decay of the first moment, in {@code [0, 1)}
     * @param beta2       decay of the second moment, in {@code [0, 1)}
     * @param epsilon     added to the bias-corrected root of the second moment, {@code >= 0}
     * @param weightDecay decoupled weight decay, {@code >= 0}, applied only to parameters the decay rule selects
     * @throws IllegalArgumentException if a β is outside {@code [0, 1)}, or ε or the weight decay is negative or not
     *                                  finite
     */
    public AdamWConfig {
        requireBeta("beta1", beta1);
        requireBeta("beta2", beta2);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + epsilon);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, got " + weightDecay);
        }
    }

    /**
     * torch.optim.AdamW's defaults: betas (0.9, 0.999), eps 1e-8, weight_decay 0.01.
     *
     * @return the configuration
     */
    public static AdamWConfig torchDefaults() {
        return new AdamWConfig(0.9, 0.999, 1e-8, 0.01);
    }

    /**
     * This configuration with another weight decay (Hugging Face's Trainer defaults to 0).
     *
     * @param weightDecay the decoupled weight decay, {@code >= 0}
     * @return a new configuration
     */
    public AdamWConfig withWeightDecay(double weightDecay) {
        return new AdamWConfig(beta1, beta2, epsilon, weightDecay);
    }

    private static void requireBeta(String name, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1), got " + beta);
        }
    }
}
