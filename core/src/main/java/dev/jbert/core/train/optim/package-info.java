/**
 * The optimizer pieces of Hugging Face's Trainer, computed as PyTorch computes them: {@link
 * dev.jbert.core.train.optim.AdamW}, the warm-up {@link dev.jbert.core.train.optim.LearningRateSchedule}s
 * and global-norm {@link dev.jbert.core.train.optim.GradientClipping}. ND4J's own updaters differ from
 * PyTorch (epsilon placement, decay on every parameter, no global-norm clipping), hence these.
 */
package dev.jbert.core.train.optim;
