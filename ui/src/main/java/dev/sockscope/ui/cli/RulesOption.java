package dev.sockscope.ui.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.rules.RuleEngine;
import dev.sockscope.proxy.rules.RuleFileException;
import dev.sockscope.proxy.rules.RuleFiles;
import dev.sockscope.ui.intercept.DecodedLabels;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --rules FILE} (repeatable) and {@code --rules-seed N}: the message rules of a proxy run (docs/rules.md). */
public final class RulesOption {
    @Option(names = "--rules", paramLabel = "FILE",
            description = "Apply the rules in this YAML or JSON file to the messages (delay, drop, rewrite, close...; see docs/rules.md;"
                    + " repeatable). The file is reloaded when it changes; a bad edit keeps the rules before it.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--rules-seed", paramLabel = "N",
            description = "Seed of the rules' probabilities and jitter: the same seed makes the same decisions (default: a random"
                    + " one, printed at start).")
    Long seed;

    /** Whether {@code --rules} was given. */
    boolean given() {
        return !files.isEmpty();
    }

    /**
     * The files' rules as a source of the intercept point, watched for changes; a bad file is a usage error. Without
     * {@code --rules} the engine joins the intercept point only when rules are first given through the API, so that a
     * run without rules asks no source but the breakpoints.
     */
    RuleFiles attach(InterceptPoint point, ProtocolRegistry registry, CommandLine cl) {
        RuleFiles loaded = load(registry, cl);
        if (given()) {
            point.addSource(loaded.engine());
        } else {
            loaded.beforeFirstEdit(() -> point.addSource(loaded.engine()));
        }
        return loaded;
    }

    /** The files' rules, watched for changes, for the caller to add to an intercept point; a bad file is a usage error. */
    RuleFiles load(ProtocolRegistry registry, CommandLine cl) {
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        RuleEngine engine = new RuleEngine(s, new DecodedLabels(registry));
        RuleFiles loaded;
        try {
            loaded = RuleFiles.load(files, engine);
        } catch (RuleFileException e) {
            throw new ParameterException(cl, "--rules " + e.getMessage());
        }
        PrintWriter err = cl.getErr();
        loaded.reportTo(line -> {
            err.println(line);
            err.flush();
        });
        loaded.watch();
        return loaded;
    }

    /** The line that says what the rules are and how to repeat their decisions; null without --rules. */
    String announce(RuleFiles loaded) {
        if (files.isEmpty()) {
            return null;
        }
        return "sockscope: " + loaded.engine().rules().size() + " rules from " + String.join(", ", files.stream().map(Path::toString).toList())
                + ", seed " + loaded.engine().seed() + " (--rules-seed " + loaded.engine().seed() + " makes the same decisions)";
    }
}
