package org.transformer4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns expected errors (bad input files, bad arguments) into one line and exit code 2; anything else is
 * a bug and exits 1. Stack traces only with {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        boolean expected = e instanceof IllegalArgumentException || e instanceof IOException
                || e instanceof UncheckedIOException || e instanceof UserException;
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cl.getErr().println("t4j: " + (expected ? "" : "internal error: ") + msg.lines().findFirst().orElse(msg));
        if (verbose) {
            e.printStackTrace(cl.getErr());
        } else if (!expected) {
            cl.getErr().println("t4j: run again with --verbose for the stack trace");
        }
        return expected ? 2 : 1;
    }

    /** An error in what the user asked for, reported as one line with exit code 2. */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserException(String message) {
            super(message);
        }
    }
}
