package dev.sockscope.ui.docs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import dev.sockscope.ui.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * docs/cli-reference.md, written from the command line's own picocli model: every command's synopsis, parameters and
 * options with the descriptions and defaults {@code --help} prints, so the page cannot say anything the code does not.
 */
final class CliReference {
    static final String REGENERATE = "mvn -B -o -pl ui -am test -Dtest=CliReferenceTest -Dcli.reference.update=true"
            + " -Dsurefire.failIfNoSpecifiedTests=false";
    /** Synopses are wrapped at this width, whatever the terminal, so that the page is the same on every machine. */
    private static final int WIDTH = 100;

    private CliReference() {
    }

    static String markdown() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        root.setUsageHelpWidth(WIDTH);
        StringBuilder md = new StringBuilder();
        md.append("# Command line reference\n\n")
                .append("<!-- Generated from the picocli model by CliReferenceTest: do not edit. Regenerate with\n     ")
                .append(REGENERATE).append(" -->\n\n")
                .append("Every command and option, as `sockscope COMMAND --help` prints them (generated from the code, and\n")
                .append("checked by a test). What they do in practice, with examples: [the command line](cli.md).\n");
        command(md, root);
        for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
            command(md, sub.getValue());
        }
        return md.toString();
    }

    private static void command(StringBuilder md, CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        md.append("\n## ").append(spec.qualifiedName()).append("\n\n");
        for (String paragraph : spec.usageMessage().description()) {
            md.append(plain(cl, paragraph)).append("\n\n");
        }
        md.append("```\n").append(cl.getHelp().synopsis(0).stripTrailing()).append("\n```\n");
        if (!cl.getSubcommands().isEmpty()) {
            md.append("\n| command | what it does |\n| --- | --- |\n");
            for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
                md.append("| [`").append(sub.getKey()).append("`](#").append(anchor(sub.getValue().getCommandSpec().qualifiedName()))
                        .append(") | ").append(cell(plain(sub.getValue(), String.join(" ", sub.getValue().getCommandSpec().usageMessage().description()))))
                        .append(" |\n");
            }
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        List<OptionSpec> options = spec.options();
        if (!positionals.isEmpty() || !options.isEmpty()) {
            md.append("\n| parameter or option | meaning |\n| --- | --- |\n");
            for (PositionalParamSpec p : positionals) {
                md.append("| `").append(p.paramLabel()).append(p.isMultiValue() ? "..." : "").append("` | ").append(cell(description(p)))
                        .append(" |\n");
            }
            for (OptionSpec o : options) {
                String value = o.typeInfo().isBoolean() && o.arity().max() == 0 ? "" : "=" + o.paramLabel();
                md.append("| `").append(String.join(", ", o.names())).append(value).append("` | ").append(cell(description(o)))
                        .append(o.required() && o.group() == null ? " Required." : "").append(" |\n");
            }
        }
    }

    /** A description as help prints it, without markup; picocli's {@code %n} line breaks become spaces. */
    private static String plain(CommandLine cl, String text) {
        return cl.getHelp().colorScheme().text(text.replace("%n", " ")).plainString().strip().replaceAll(" {2,}", " ");
    }

    private static String description(ArgSpec arg) {
        return String.join(" ", arg.renderedDescription()).strip();
    }

    /** GitHub's anchor for a heading of plain words. */
    private static String anchor(String heading) {
        return MarkdownLinks.slug(heading);
    }

    /** Text in a table cell, with what Markdown would read as markup escaped. */
    private static String cell(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("\\`*_|<>[]".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
