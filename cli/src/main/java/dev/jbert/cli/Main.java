package dev.jbert.cli;

import dev.jbert.core.ModelFileException;
import dev.jbert.core.nd4j.BackendUnavailableException;
import dev.jbert.core.nn.UnsupportedPrecisionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jbert}: fine-tune, evaluate and run encoder classifiers from the command line, offline.
 * The one place that calls {@code System.exit}; errors a user can fix (a bad file, a bad option)
 * are printed as one clear message, not a stack trace. Exit codes: 0 success, 1 bad input (a file,
 * model or data that cannot be used, training that diverged), 2 bad usage (an unknown, missing or
 * malformed option, a value outside its choices).
 */
@Command(name = "jbert", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "jbert 0.1.0",
        description = "Fine-tune and run encoder classifiers on the JVM, offline.",
        footer = {"", "Exit codes: 0 success, 1 bad input (file, model, data; diverged training), 2 bad usage (options)."},
        subcommands = {TrainCommand.class, AugmentCommand.class, EvalCommand.class, PredictCommand.class, ServeCommand.class, TokenizeCommand.class, BenchCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** A file, model or data that cannot be used. */
    static final int BAD_INPUT = 1;
    /** A command line that is wrong in itself. */
    static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this, not {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException) {
                commandLine.getErr().println("error: " + e.getMessage() + " (see jbert " + commandLine.getCommandName() + " --help)");
                return USAGE;
            }
            if (e instanceof ModelFileException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof dev.jbert.core.train.TrainingDivergedException || e instanceof UnsupportedPrecisionException
                    || e instanceof BackendUnavailableException || e instanceof dev.jbert.core.augment.ChatEndpoint.EndpointException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        try {
            return cli.execute(args);
        } catch (LinkageError | BackendUnavailableException e) {
            // a native library that would not load (a CUDA build without its libraries) surfaces as an Error, which
            // picocli's handler never sees: one line, not a trace from inside the loader
            cli.getErr().println("error: " + (e instanceof BackendUnavailableException ? e.getMessage()
                    : "a native library did not load (" + e + "): a -Pcuda build needs the NVIDIA driver, CUDA 11.6 and cuDNN 8.3;"
                    + " build without -Pcuda for the CPU"));
            return BAD_INPUT;
        }
    }
}
