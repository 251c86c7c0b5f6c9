package dev.logtocp.ops.cli;

import dev.logtocp.processor.deadletter.DeadLetterException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Base of every leaf command: turns failures into one "error: ..." line and exit code 1, whichever way the
 * {@link CommandLine} was built (tests build their own), and gives access to the captured out/err writers.
 */
abstract class OpsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    /** The command's work; returns the exit code. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CommandLine.ParameterException e) {
            throw e; // picocli reports it as a usage error (exit 2)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err().println("error: interrupted");
            return 1;
        } catch (Exception e) {
            err().println("error: " + describe(e));
            return 1;
        } finally {
            out().flush();
            err().flush();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The most useful message of an exception chain: ours as is, Kafka's with its type. */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OpsException || t instanceof DeadLetterException) {
            return t.getMessage();
        }
        if (t instanceof KafkaException || t instanceof ApiException) {
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
