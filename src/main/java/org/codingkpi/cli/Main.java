package org.codingkpi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one jar's entry point: subcommands, each with --help. */
@Command(name = "coding-kpi", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "Live revenue-cycle KPIs and realized-vs-projected ROI of AI-assisted medical coding, on Kafka Streams.",
        subcommands = {DemoCommand.class, ReplayCommand.class, ImportCommand.class, RunCommand.class, SimulateCommand.class, AuditCommand.class,
                BenchmarkCommand.class, ConfigCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            // a clear message, no stack trace, for errors the user can fix
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + messageOf(ex)));
            return 2;
        });
        return cl;
    }

    static String messageOf(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
