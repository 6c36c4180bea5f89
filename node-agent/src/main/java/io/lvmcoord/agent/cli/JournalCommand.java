package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.lvmcoord.persistence.JournalCheck;
import io.lvmcoord.persistence.JournalFiles;
import io.lvmcoord.persistence.JournalProblem;
import io.lvmcoord.persistence.JournalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lvmcoord journal check|reset}: look at the agent's embedded H2 journal, and set a
 * damaged or lost one aside so that the agent rebuilds it. Rebuilding is always possible: the
 * journal only remembers what the devices said, and the start-up scan reads them again.
 */
@Command(name = "journal", description = {"Check the agent's embedded H2 journal, or set it aside so that the agent rebuilds it "
        + "from a rescan of the devices (the disks are the truth; the journal only remembers what they said)."},
        subcommands = {JournalCommand.Check.class, JournalCommand.Reset.class},
        footer = {"", "Examples:",
                "  lvmcoord journal check --state-dir /var/lib/lvmcoord",
                "  systemctl stop lvmcoord && lvmcoord journal reset && systemctl start lvmcoord"})
public final class JournalCommand implements Callable<Integer> {
    /**
     * Exit code of {@code lvmcoord agent} (and {@code journal check}) when the journal cannot be
     * used: corrupt, missing after it was created, or in use by another process.
     */
    public static final int EXIT_JOURNAL_UNUSABLE = 6;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream err = System.err;

    @Override
    public Integer call() {
        err.println("lvmcoord journal: a subcommand is required: check or reset (see lvmcoord journal --help)");
        return ReportCommand.EXIT_USAGE;
    }

    /**
     * What to print when the agent cannot start on its journal: the problem (naming the file)
     * and what to do about it.
     */
    public static String advice(JournalProblem problem) {
        Path stateDir = problem.file().toAbsolutePath().getParent();
        String why = "lvmcoord agent: cannot start: " + problem.describe() + "\n";
        if (problem instanceof JournalProblem.InUse) {
            return why + "  Stop the other agent first (one agent per state directory).";
        }
        return why + "  The journal only remembers what the devices said, so it can be rebuilt: set it aside (its files are kept\n"
                + "  for inspection) and start the agent again; its start-up scan reads every device and persists them anew:\n"
                + "    lvmcoord journal reset --state-dir " + stateDir + "\n"
                + "  (exit code " + EXIT_JOURNAL_UNUSABLE + ": journal unusable; see lvmcoord journal reset --help)";
    }

    abstract static class OnStateDir implements Callable<Integer> {
        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "The agent's state directory (default /var/lib/lvmcoord; env LVMCOORD_STATE_DIR). "
                        + "[lvmcoord.persistence.state-dir]")
        Path stateDir;

        @Option(names = "--config", paramLabel = "FILE", description = "The agent's HOCON config file, for its state directory and journal settings.")
        Path config;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        PrintStream out = System.out;
        PrintStream err = System.err;

        /** The journal settings the agent would use with the same --config and --state-dir. */
        JournalSettings settings() {
            Config c = ConfigFactory.empty();
            if (stateDir != null) {
                c = c.withValue("lvmcoord.persistence.state-dir", ConfigValueFactory.fromAnyRef(stateDir.toAbsolutePath().toString()));
            }
            Config file = config == null ? ConfigFactory.empty() : ConfigFactory.parseFile(config.toFile());
            return JournalSettings.from(c.withFallback(file).withFallback(ConfigFactory.defaultReference()).resolve());
        }

        /** The settings, or null after saying why this command does not apply. */
        JournalSettings h2Settings(String command) {
            if (config != null && !Files.isRegularFile(config)) {
                err.println("lvmcoord journal " + command + ": config file " + config + " does not exist");
                return null;
            }
            JournalSettings s = settings();
            if (s.profile() != JournalSettings.Profile.H2) {
                err.println("lvmcoord journal " + command + ": the journal is on PostgreSQL (lvmcoord.persistence.profile = "
                        + "postgres); this command handles the embedded H2 journal only");
                return null;
            }
            return s;
        }
    }

    @Command(name = "check", description = "Open the journal read-only and read every row, as the agent does at start. "
            + "Exit 0 when usable; " + EXIT_JOURNAL_UNUSABLE + " when corrupt, missing after it was created, or in use.",
            footer = {"", "Example:", "  lvmcoord journal check --state-dir /var/lib/lvmcoord"})
    static final class Check extends OnStateDir {
        @Override
        public Integer call() {
            JournalSettings s = h2Settings("check");
            if (s == null) {
                return ReportCommand.EXIT_USAGE;
            }
            JournalSettings verifying = new JournalSettings(s.profile(), s.stateDir(), s.h2File(), s.pgUrl(), s.pgUser(), s.pgPassword(),
                    s.maxConnections(), s.createSchema(), true);
            Optional<JournalProblem> problem = JournalCheck.atStart(verifying);
            if (problem.isPresent()) {
                err.println(advice(problem.get()).replace("lvmcoord agent: cannot start: ", "lvmcoord journal check: "));
                return EXIT_JOURNAL_UNUSABLE;
            }
            Path db = JournalFiles.of(s).database();
            out.println(Files.exists(db) ? "lvmcoord journal check: " + db + " is readable"
                    : "lvmcoord journal check: no journal yet in " + s.stateDir() + " (the agent creates it at its first start)");
            return 0;
        }
    }

    @Command(name = "reset", description = {"Set the agent's H2 journal aside so that its next start rebuilds it from a rescan.",
            "Use it when the agent refuses to start because its journal is corrupt or was deleted (exit code "
                    + EXIT_JOURNAL_UNUSABLE + "), or after the agent reported its journal lost while running.",
            "Stop the agent first: a journal in use is left alone. Nothing is deleted: the journal's files (database, H2 trace, "
                    + "lvmcoord's creation marker) move to DIR/journal-set-aside-<UTC time>/ for inspection."},
            footer = {"", "What happens next: the agent starts with an empty journal, its start-up scan reads every device and "
                    + "persists what it finds, and it answers the same pvs/vgs/lvs as before once that scan is done (`lvmcoord status` "
                    + "says ready). Aggregates only other hosts reported come back when those hosts report again.",
                    "", "Examples:",
                    "  systemctl stop lvmcoord && lvmcoord journal reset && systemctl start lvmcoord",
                    "  lvmcoord journal reset --state-dir /tmp/lvmcoord"})
    static final class Reset extends OnStateDir {
        @Override
        public Integer call() {
            JournalSettings s = h2Settings("reset");
            if (s == null) {
                return ReportCommand.EXIT_USAGE;
            }
            JournalFiles files = JournalFiles.of(s);
            if (!Files.exists(files.database()) && !Files.exists(files.marker())) {
                out.println("lvmcoord journal reset: no journal in " + s.stateDir() + ": nothing to set aside");
                return 0;
            }
            try {
                Path aside = files.setAside(Instant.now());
                out.println("lvmcoord journal reset: the journal's files are now in " + aside);
                out.println("Start the agent: it creates a new journal and rebuilds it from its start-up scan.");
                return 0;
            } catch (IllegalStateException e) {
                err.println("lvmcoord journal reset: " + e.getMessage());
                return ReportCommand.EXIT_FAILED;
            } catch (java.io.IOException e) {
                err.println("lvmcoord journal reset: cannot move the journal's files in " + s.stateDir() + ": " + e);
                return ReportCommand.EXIT_FAILED;
            }
        }
    }
}
