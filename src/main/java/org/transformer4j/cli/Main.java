package org.transformer4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./t4j} command line: picocli subcommands, wiring only. */
@Command(name = "t4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "transformer4j: build, train, run and see Transformers on the JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, TranslateCommand.class, GenerateCommand.class,
            EvaluateCommand.class, TokenizeCommand.class, EmbedCommand.class, InspectCommand.class, ServeCommand.class,
            ExperimentCommand.class, DataCommand.class, FigureCommand.class, PresetsCommand.class, WeightsCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Also, from the launcher: ./t4j test (the whole test suite), ./t4j bench jmh (JMH benchmarks)."})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean verbose;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code: 0 ok, 1 unexpected failure, 2 bad input or usage. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("t4j: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return 2;
        });
        return cl.execute(args);
    }

    /** Version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"transformer4j " + (v == null ? "(development build)" : v)};
        }
    }
}
