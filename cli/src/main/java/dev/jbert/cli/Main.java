package dev.jbert.cli;

import dev.jbert.core.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jbert}: fine-tune, evaluate and run BERT classifiers from the command line, offline.
 * The one place that calls {@code System.exit}; errors a user can fix (a bad file, a bad option)
 * are printed as one clear message, not a stack trace.
 */
@Command(name = "jbert", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "jbert 0.1.0",
        description = "Fine-tune and run BERT classifiers on the JVM, offline.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ServeCommand.class, TokenizeCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this, not {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ModelFileException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof dev.jbert.core.train.TrainingDivergedException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
