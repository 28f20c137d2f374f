package dev.jbert.core.train.optim;

import java.util.Locale;

/** The shape of a {@link LearningRateSchedule} after its linear warm-up. */
public enum ScheduleType {

    /** Linear decay to 0 at the last step: transformers' {@code get_linear_schedule_with_warmup}. */
    LINEAR,
    /** The base rate throughout: {@code get_constant_schedule_with_warmup} ({@code get_constant_schedule} without warm-up). */
    CONSTANT,
    /** Half a cosine wave down to 0: {@code get_cosine_schedule_with_warmup} with {@code num_cycles} 0.5. */
    COSINE;

    /**
     * The type with the given Hugging Face {@code lr_scheduler_type} name: {@code linear}, {@code constant},
     * {@code constant_with_warmup} or {@code cosine}, ignoring case and surrounding blanks.
     *
     * @param name the name
     * @return the type
     * @throws IllegalArgumentException naming the valid choices when {@code name} is none of them
     */
    public static ScheduleType parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "linear" -> LINEAR;
            // Hugging Face keeps two names because its plain constant schedule ignores warm-up; here warm-up 0 is that schedule.
            case "constant", "constant_with_warmup" -> CONSTANT;
            case "cosine" -> COSINE;
            default -> throw new IllegalArgumentException("unknown learning rate schedule '" + name
                    + "'; expected one of linear, constant, constant_with_warmup, cosine");
        };
    }
}
