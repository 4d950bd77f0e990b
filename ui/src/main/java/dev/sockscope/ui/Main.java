package dev.sockscope.ui;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import dev.sockscope.ui.cli.CaCommand;
import dev.sockscope.ui.cli.CheckCommand;
import dev.sockscope.ui.cli.RepairCommand;
import dev.sockscope.ui.cli.DemoCommand;
import dev.sockscope.ui.cli.CopyCommand;
import dev.sockscope.ui.cli.RetentionCommand;
import dev.sockscope.ui.cli.ExportCommand;
import dev.sockscope.ui.cli.ImportCommand;
import dev.sockscope.ui.cli.MockCommand;
import dev.sockscope.ui.cli.FramesCommand;
import dev.sockscope.ui.cli.ProtocolsCommand;
import dev.sockscope.ui.cli.ProxyCommand;
import dev.sockscope.ui.cli.ReplayCommand;
import dev.sockscope.ui.cli.SendCommand;
import dev.sockscope.ui.cli.SessionsCommand;
import dev.sockscope.ui.cli.UiCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sockscope} command line. */
@Command(name = "sockscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "WebSocket recording proxy and debugging inspector.",
        subcommands = {DemoCommand.class, ProxyCommand.class, UiCommand.class, SessionsCommand.class, FramesCommand.class,
                ReplayCommand.class, MockCommand.class, ExportCommand.class, ImportCommand.class, CopyCommand.class, RetentionCommand.class, ProtocolsCommand.class, CaCommand.class,
                CheckCommand.class, RepairCommand.class, SendCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The short commands, which the quick path builds alone: picocli's model of every command, by reflection over
     * classes the class-data archive cannot hold (picocli is Java 5 bytecode), was a third of what {@code sessions}
     * cost. Their usage, help and errors are the same either way ({@code QuickPathTest}).
     */
    private static final Map<String, Supplier<Object>> SHORT = Map.of(
            "sessions", SessionsCommand::new, "frames", FramesCommand::new, "protocols", ProtocolsCommand::new,
            "export", ExportCommand::new, "ca", CaCommand::new);

    /** Runs a command with UTF-8 output whatever the platform's default, and returns its exit code. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8), true);
        return commandLineFor(args, out, err).execute(args);
    }

    /** The whole command line, or for a short command ({@code sessions}, {@code frames}, …) a root with that one. */
    static CommandLine commandLineFor(String[] args, PrintWriter out, PrintWriter err) {
        Supplier<Object> one = args.length == 0 ? null : SHORT.get(args[0]);
        if (one == null) {
            return commandLine(out, err);
        }
        CommandLine cl = new CommandLine(new OneCommand());
        cl.addSubcommand(one.get());
        return configure(cl, out, err);
    }

    /** The root of the quick path: Main's name, description and options, without its list of subcommands. */
    @Command(name = "sockscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "WebSocket recording proxy and debugging inspector.")
    static final class OneCommand {
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return configure(new CommandLine(new Main()), out, err);
    }

    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setCaseInsensitiveEnumValuesAllowed(true); // --latency recorded, not RECORDED
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A user sees one clear line, not a stack trace; --debug-style detail is in the log.
            commandLine.getErr().println("sockscope: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sockscope " + BuildVersion.get().orElse("(version unknown: not built by Maven)")};
        }
    }
}
