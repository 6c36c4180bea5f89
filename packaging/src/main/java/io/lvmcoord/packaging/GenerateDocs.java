package io.lvmcoord.packaging;

import io.lvmcoord.agent.cli.AgentCommand;
import io.lvmcoord.agent.cli.LvmcoordCli;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Generates, from the picocli model of {@link LvmcoordCli}, what the package installs besides
 * the jars: one man page per command (lvmcoord(8), lvmcoord-vgs(8), lvmcoord-tls-issue(8), ...)
 * and the bash completion script. Run by the build (packaging/pom.xml), so the pages and the
 * completion always describe the options of the jar they ship with.
 *
 * <p>Man pages are written in man(7) troff directly rather than through picocli-codegen's
 * ManPageGenerator: that one writes AsciiDoc, whose conversion needs Asciidoctor (JRuby) in the
 * build; the model walk below is all the conversion does for pages of this shape.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    /** args: OUTPUT_DIR VERSION. Writes OUTPUT_DIR/man8/*.8.gz and OUTPUT_DIR/bash-completion/lvmcoord. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GenerateDocs OUTPUT_DIR VERSION");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String version = args[1];
        CommandLine root = new CommandLine(new LvmcoordCli());
        Path man = Files.createDirectories(out.resolve("man8"));
        for (CommandLine cl : allCommands(root)) {
            String page = pageName(cl.getCommandSpec());
            writeGzip(man.resolve(page + ".8.gz"), manPage(cl, version));
        }
        Path completion = Files.createDirectories(out.resolve("bash-completion"));
        Files.writeString(completion.resolve("lvmcoord"), AutoComplete.bash("lvmcoord", root));
    }

    /** The command and every subcommand below it, depth first. */
    static List<CommandLine> allCommands(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            all.addAll(allCommands(sub));
        }
        return all;
    }

    /** "lvmcoord", "lvmcoord-vgs", "lvmcoord-tls-issue": the qualified name with dashes, as git's pages. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The page in man(7) troff. */
    static String manPage(CommandLine cl, String version) {
        CommandSpec spec = cl.getCommandSpec();
        String name = pageName(spec);
        StringBuilder b = new StringBuilder();
        b.append(".\\\" Generated from lvmcoord's command-line model by io.lvmcoord.packaging.GenerateDocs; do not edit.\n");
        b.append(".TH \"").append(text(name.toUpperCase(java.util.Locale.ROOT))).append("\" \"8\" \"\" \"lvmcoord ")
                .append(text(version)).append("\" \"System Administration\"\n");
        // \% before a page name: man must not hyphenate "lvmcoord-wait" into "lvmco-ord-wait".
        b.append(".SH NAME\n\\%").append(text(name)).append(" \\- ").append(text(firstLine(spec.usageMessage().description()))).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n")
                .append(text(stripAnsi(cl.getHelp().synopsis(0)).strip())).append("\n.fi\n");
        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            b.append(".SH DESCRIPTION\n");
            for (String line : description) {
                b.append(line.isBlank() ? ".PP\n" : text(line) + "\n");
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                b.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + text(n) + "\\fR");
                }
                b.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    b.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(describe(o)).append('\n');
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                b.append(".TP\n\\fI").append(text(p.paramLabel())).append("\\fR\n").append(describe(p)).append('\n');
            }
        }
        Map<String, CommandLine> subs = cl.getSubcommands();
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (CommandLine sub : subs.values()) {
                CommandSpec s = sub.getCommandSpec();
                b.append(".TP\n\\fB").append(text(s.name())).append("\\fR\n")
                        .append(text(firstLine(s.usageMessage().description()))).append("\nSee \\fB\\%")
                        .append(text(pageName(s))).append("\\fR(8).\n");
            }
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            b.append(".SH EXAMPLES\n.nf\n");
            for (String line : footer) {
                if (!line.isBlank() && !line.strip().equals("Examples:")) {
                    b.append(text(line)).append('\n');
                }
            }
            b.append(".fi\n");
        }
        if (spec.name().equals("agent")) {
            // The agent's settings, which its --help renders after the examples (every HOCON key, its
            // default and environment variable, from the reference.conf files): a section of their own here.
            String[] all = AgentCommand.footerWithSettings(spec);
            b.append(".SH SETTINGS\n.nf\n");
            for (int i = footer.length; i < all.length; i++) {
                if (!all[i].isBlank()) {
                    b.append(text(all[i].replace("%%", "%"))).append('\n');
                }
            }
            b.append(".fi\n");
        }
        b.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (spec.parent() != null) {
            see.add("\\fB\\%" + text(pageName(spec.parent())) + "\\fR(8)");
        }
        see.add("\\fBpvs\\fR(8)");
        see.add("\\fBvgs\\fR(8)");
        see.add("\\fBlvs\\fR(8)");
        b.append(String.join(", ", see)).append('\n');
        return b.toString();
    }

    private static String describe(ArgSpec a) {
        StringBuilder d = new StringBuilder();
        for (String line : a.description()) {
            if (d.length() > 0) {
                d.append('\n');
            }
            d.append(text(line.replace("${DEFAULT-VALUE}", String.valueOf(a.defaultValue()))));
        }
        return d.length() == 0 ? text("(no description)") : d.toString();
    }

    private static String firstLine(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    /** picocli's synopsis carries ANSI styles when the terminal supports them; a page must not. */
    private static String stripAnsi(String s) {
        return s.replaceAll("\u001B\\[[0-9;]*m", "");
    }

    /**
     * A line of text for troff: a backslash is escaped, so is every minus (troff's '-' is a
     * hyphen, which man(1) may render as U+2010, and options must copy-paste as ASCII), and a
     * line starting with '.' or '\'' is protected from being read as a request.
     */
    static String text(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            String t = line.replace("\\", "\\e").replace("-", "\\-");
            if (t.startsWith(".") || t.startsWith("'")) {
                t = "\\&" + t;
            }
            b.append(t);
        }
        return b.toString();
    }

    /** gzip with no name and time 0 in the header (gzip -n): the same input makes the same bytes. */
    private static void writeGzip(Path file, String content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
