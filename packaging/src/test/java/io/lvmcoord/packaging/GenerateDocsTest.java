package io.lvmcoord.packaging;

import io.lvmcoord.agent.cli.LvmcoordCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateDocsTest {
    private final CommandLine root = new CommandLine(new LvmcoordCli());

    @Test
    void pageNamesJoinTheCommandPathWithDashes() {
        List<String> names = GenerateDocs.allCommands(root).stream().map(c -> GenerateDocs.pageName(c.getCommandSpec())).toList();
        assertEquals("lvmcoord", names.get(0));
        assertTrue(names.containsAll(List.of("lvmcoord-vgs", "lvmcoord-agent", "lvmcoord-tls", "lvmcoord-tls-issue", "lvmcoord-journal-reset")), names.toString());
    }

    @Test
    void troffTextEscapesBackslashesMinusesAndLeadingControlCharacters() {
        assertEquals("\\-\\-units", GenerateDocs.text("--units"));
        assertEquals("a\\eb", GenerateDocs.text("a\\b"));
        assertEquals("\\&.conf is read\n\\&'quoted'", GenerateDocs.text(".conf is read\n'quoted'"));
    }

    @Test
    void aSubcommandPageHasItsTitleOptionsArgumentsAndParent() {
        String page = GenerateDocs.manPage(root.getSubcommands().get("vgs"), "1.2.3");
        assertTrue(page.contains(".TH \"LVMCOORD\\-VGS\" \"8\" \"\" \"lvmcoord 1.2.3\""), page);
        assertTrue(page.contains(".SH NAME\n\\%lvmcoord\\-vgs \\- Report volume groups, as lvm2's vgs.\n"), page);
        assertTrue(page.contains("\\fB\\-\\-reportformat\\fR \\fIbasic|json|json_std\\fR\n"), page);
        assertTrue(page.contains(".SH ARGUMENTS\n.TP\n\\fIVG|@tag\\fR\n"), page);
        assertTrue(page.contains("\\fB\\%lvmcoord\\fR(8)"), page);
    }

    @Test
    void theTopPageListsEveryCommandWithItsPage() {
        String page = GenerateDocs.manPage(root, "1.2.3");
        for (String sub : root.getSubcommands().keySet()) {
            assertTrue(page.contains(".TP\n\\fB" + GenerateDocs.text(sub) + "\\fR\n"), sub);
            assertTrue(page.contains("See \\fB\\%lvmcoord\\-" + GenerateDocs.text(sub) + "\\fR(8)."), sub);
        }
        assertTrue(page.contains(".SH EXAMPLES\n"), page);
    }

    @Test
    void theAgentPageListsEverySettingWithItsEnvironmentVariable() {
        String page = GenerateDocs.manPage(root.getSubcommands().get("agent"), "1.2.3");
        String settings = page.substring(page.indexOf(".SH SETTINGS\n"));
        assertTrue(settings.contains(GenerateDocs.text("lvmcoord.persistence.profile")), settings);
        assertTrue(settings.contains(GenerateDocs.text("lvmcoord.api.http-bind")), settings);
        assertTrue(settings.contains("LVMCOORD_PG_URL"), settings);
        assertTrue(!settings.contains("%%"), "format escapes are undone on the page");
    }
}
