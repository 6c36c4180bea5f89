package io.lvmcoord.coordinator.report.select;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {
    private static final FieldResolver LVS = new TestFields("lv_");
    /** 2026-11-29 15:30:00 UTC, a Sunday. */
    private static final Instant NOW = Instant.parse("2026-11-29T15:30:00Z");
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Selection compile(String expr) {
        SelectionResult r = Selection.compile(expr, LVS, NOW, UTC);
        if (r instanceof SelectionResult.Invalid invalid) {
            throw new AssertionError("expected " + expr + " to compile: " + invalid.error().messages());
        }
        return assertInstanceOf(SelectionResult.Compiled.class, r).selection();
    }

    private static SelectionError error(String expr) {
        return assertInstanceOf(SelectionResult.Invalid.class, Selection.compile(expr, LVS, NOW, UTC)).error();
    }

    private static boolean selects(String expr, Map<String, SelectValue> row) {
        return compile(expr).test(id -> row.get(id));
    }

    private static Map<String, SelectValue> lv(String name, long bytes, String... tags) {
        return Map.of("lv_name", new SelectValue.Str(name), "lv_size", SelectValue.Size.ofBytes(bytes),
                "lv_tags", SelectValue.StrList.of(tags), "seg_count", new SelectValue.Num(1));
    }

    @Test
    void andBindsTighterThanOrAndCommaAndHashAreSynonyms() {
        Map<String, SelectValue> alpha = lv("alpha", 8 << 20);
        assertTrue(selects("lv_name=alpha || lv_name=beta && lv_size=12m", alpha));
        assertFalse(selects("(lv_name=alpha || lv_name=beta) && lv_size=12m", alpha));
        assertTrue(selects("lv_name=beta # lv_name=alpha , lv_size=8m", alpha));
        assertFalse(selects("lv_name=alpha , lv_size=9m", alpha));
    }

    @Test
    void negationAppliesOnlyToAParenthesisedGroupAndDoesNotDoubleBack() {
        Map<String, SelectValue> alpha = lv("alpha", 8 << 20);
        assertFalse(selects("!(lv_name=alpha)", alpha));
        assertFalse(selects("!(!(lv_name=alpha))", alpha), "libdevmapper sets a NOT flag, it does not toggle it");
        assertTrue(selects("!(lv_name=beta)", alpha));
        assertEquals(List.of("Syntax error: left parenthesis expected at 'lv_name=a'"), error("!lv_name=a").messages());
    }

    @Test
    void sizesAreComparedInSectorsWithMebibytesByDefault() {
        Map<String, SelectValue> lv = lv("a", 12 << 20);
        assertTrue(selects("lv_size=12", lv));
        assertTrue(selects("lv_size=24576s", lv));
        assertTrue(selects("lv_size=12582912b", lv));
        assertTrue(selects("lv_size>0.01g", lv));
        assertTrue(selects("lv_size<12.6M", lv));
        assertFalse(selects("lv_size>12m", lv));
        assertTrue(selects("lv_size>=12m", lv));
        assertTrue(selects("lv_size>12h", lv), "'h' is a unit of one byte to libdevmapper");
    }

    @Test
    void undefinedSizeIsNeitherEqualNorOrdered() {
        Map<String, SelectValue> row = Map.of("lv_metadata_size", SelectValue.Size.UNDEFINED);
        assertFalse(selects("lv_metadata_size=0", row));
        assertTrue(selects("lv_metadata_size!=0", row));
        assertFalse(selects("lv_metadata_size<1t", row));
    }

    @Test
    void readAheadAutoIsAReservedSizeThatIsNeverOrdered() {
        Map<String, SelectValue> auto = Map.of("lv_read_ahead", SelectValue.Size.AUTO);
        assertTrue(selects("lv_read_ahead=auto", auto));
        assertFalse(selects("lv_read_ahead>0", auto));
        assertFalse(selects("lv_read_ahead>auto", Map.of("lv_read_ahead", SelectValue.Size.ofSectors(256))),
                "a reserved size keeps the time bit of '>' and lvm2 then matches nothing");
    }

    @Test
    void undefinedNumbersMatchTheirReservedNamesButAreNeverOrdered() {
        Map<String, SelectValue> row = Map.of("lv_major", SelectValue.Num.UNDEFINED);
        assertTrue(selects("lv_major=-1", row));
        assertTrue(selects("lv_major=undefined", row));
        assertTrue(selects("lv_major=\"unknown\"", row));
        assertFalse(selects("lv_major>5", row));
        assertTrue(selects("lv_major<5", Map.of("lv_major", new SelectValue.Num(3))));
        assertFalse(selects("lv_major<undefined", Map.of("lv_major", new SelectValue.Num(3))));
        assertEquals(List.of("Numeric value 18446744073709551615 found in selection is reserved."),
                error("lv_major=18446744073709551615").messages());
        assertEquals(List.of("Field selection value 18446744073709551616 out of supported range for field lv_major."),
                error("lv_major=18446744073709551616").messages());
    }

    @Test
    void binaryFieldsTakeTheirWordsYesAndNo() {
        Map<String, SelectValue> set = Map.of("pv_allocatable", SelectValue.Num.of(true));
        FieldResolver pvs = new TestFields("pv_");
        for (String yes : List.of("pv_allocatable=1", "pv_allocatable=yes", "pv_allocatable=allocatable", "allocatable=1")) {
            Selection s = ((SelectionResult.Compiled) Selection.compile(yes, pvs, NOW, UTC)).selection();
            assertTrue(s.test(set::get), yes);
        }
        Selection no = ((SelectionResult.Compiled) Selection.compile("pv_allocatable=no", pvs, NOW, UTC)).selection();
        assertFalse(no.test(set::get));
    }

    @Test
    void percentFieldsNeverSelectAnInvalidPercent() {
        Map<String, SelectValue> invalid = Map.of("data_percent", SelectValue.Percent.INVALID);
        assertFalse(selects("data_percent<50", invalid));
        assertFalse(selects("data_percent!=50", invalid));
        Map<String, SelectValue> half = Map.of("data_percent", SelectValue.Percent.ofDmPercent(50 * SelectValue.Percent.PERCENT_1));
        assertTrue(selects("data_percent=50%", half));
        assertTrue(selects("data_percent>=49.5", half));
        assertEquals("Field selection value 150 out of supported range for field data_percent.",
                error("data_percent=150").messages().get(0));
    }

    @Test
    void stringListsAreStrictInBracketsSubsetInBracesAndAnyWithOr() {
        Map<String, SelectValue> ab = lv("x", 1, "b", "a");
        assertTrue(selects("lv_tags=a", ab));
        assertTrue(selects("lv_tags=[b,a]", ab));
        assertFalse(selects("lv_tags=[a]", ab));
        assertTrue(selects("lv_tags={a}", ab), "a one-item {} list is an any-list");
        assertTrue(selects("lv_tags={a&&b}", ab));
        assertFalse(selects("lv_tags={a&&c}", ab));
        assertTrue(selects("lv_tags=[c||a]", ab));
        assertTrue(selects("lv_tags!=[a]", ab));
        Map<String, SelectValue> none = lv("y", 1);
        assertTrue(selects("lv_tags=[]", none));
        assertTrue(selects("lv_tags=\"\"", none));
        assertFalse(selects("lv_tags={a||b}", none));
        assertEquals("Only one type of logical operator allowed in selection list at a time.",
                error("lv_tags=[a,b||c]").messages().get(0));
    }

    @Test
    void libdevmapperRegexesSeeStartAndEndMarkersAsCharacters() {
        Map<String, SelectValue> lv1 = lv("lv1", 1);
        assertTrue(selects("lv_name=~\"1.\"", lv1), "'.' also matches the end marker");
        assertFalse(selects("lv_name=~\"1.x\"", lv1));
        assertTrue(selects("lv_name=~^lv", lv1));
        assertFalse(selects("lv_name=~v$", lv1));
        assertTrue(selects("lv_name=~'(v|x)1'", lv1));
        assertEquals("Expecting logical operator", error("lv_name=~(v|x)1").messages().get(0),
                "a bare '(' quotes the regex up to the first ')'");
        assertTrue(selects("lv_name=~'[a-z]+[0-9]$'", lv1));
        assertTrue(selects("lv_name!~'^x'", lv1));
        assertTrue(selects("lv_name=~'l*'", lv1), "a pattern matching the empty string matches everything");
        assertEquals(List.of("missing ')' in regular expression", "Parse error in regex", "Couldn't parse regex",
                "dm_report: failed to create regex matcher for selection field lv_name"), error("lv_name=~\"\"").messages());
        assertEquals(List.of("Badly formed 'or' expression", "missing ')' in regular expression", "Parse error in regex", "Couldn't parse regex",
                "dm_report: failed to create regex matcher for selection field lv_name"), error("lv_name=~'a|'").messages());
    }

    @Test
    void formattedDatesAreRangesOfTheirPrecision() {
        long jan31noon = Instant.parse("2021-01-31T12:00:00Z").getEpochSecond();
        long feb15noon = Instant.parse("2021-02-15T12:00:00Z").getEpochSecond();
        long dec10 = Instant.parse("2021-12-10T00:00:00Z").getEpochSecond();
        assertTrue(selects("lv_time=2021-02", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        assertTrue(selects("lv_time=2021-02-15", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        assertFalse(selects("lv_time=\"2021-02-15 11\"", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        assertTrue(selects("lv_time=\"2021-02-15 12\"", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        assertTrue(selects("lv_time=\"2021-02-15 13:00:00 +01:00\"", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        // January days are month-long ranges in lvm2 (its day table is read one month early).
        assertTrue(selects("lv_time=2021-01-31", Map.of("lv_time", new SelectValue.Time(feb15noon))));
        assertTrue(selects("lv_time!=2021-01-31", Map.of("lv_time", new SelectValue.Time(jan31noon))),
                "'!=' with a range matches like '='");
        // A 31st after a 30-day month widens to the next month, a December 31st to the next year.
        assertTrue(selects("lv_time=2020-12-31", Map.of("lv_time", new SelectValue.Time(dec10))));
        assertFalse(selects("lv_time>2021-01", Map.of("lv_time", new SelectValue.Time(jan31noon))));
        assertTrue(selects("lv_time>=2021-01", Map.of("lv_time", new SelectValue.Time(jan31noon))));
        assertTrue(selects("lv_time>@1612094399", Map.of("lv_time", new SelectValue.Time(jan31noon))));
    }

    @Test
    void fuzzyTimesAreResolvedAgainstNow() {
        long tenMinutesAgo = NOW.getEpochSecond() - 600;
        long threeHoursAgo = NOW.getEpochSecond() - 3 * 3600;
        long yesterdayNoon = Instant.parse("2026-11-28T12:00:00Z").getEpochSecond();
        long fridayMorning = Instant.parse("2026-11-27T09:00:00Z").getEpochSecond();
        assertTrue(selects("lv_time since \"1 hour ago\"", Map.of("lv_time", new SelectValue.Time(tenMinutesAgo))));
        assertFalse(selects("lv_time since \"1 hour ago\"", Map.of("lv_time", new SelectValue.Time(threeHoursAgo))));
        assertTrue(selects("lv_time=today", Map.of("lv_time", new SelectValue.Time(threeHoursAgo))));
        assertTrue(selects("lv_time=yesterday", Map.of("lv_time", new SelectValue.Time(yesterdayNoon))));
        assertTrue(selects("lv_time=Friday", Map.of("lv_time", new SelectValue.Time(fridayMorning))));
        assertTrue(selects("lv_time=\"Nov 27\"", Map.of("lv_time", new SelectValue.Time(fridayMorning))));
        assertTrue(selects("lv_time=\"27 Nov 2026 9 AM\"", Map.of("lv_time", new SelectValue.Time(fridayMorning))));
        assertTrue(selects("lv_time=\"2 days ago\"", Map.of("lv_time", new SelectValue.Time(fridayMorning))),
                "a relative day is the whole day");
        assertFalse(selects("lv_time before \"2 days ago\"", Map.of("lv_time", new SelectValue.Time(fridayMorning))));
        assertEquals(List.of("Unrecognized string in date/time specification at \"foo ago\".", "Incorrect date format.",
                        "Failed to parse time value for selection field lv_time.",
                        "Selection syntax error at 'lv_time>\"2 foo ago\"'.", "Use 'help' for selection to get more help."),
                error("lv_time>\"2 foo ago\"").messages());
    }

    @Test
    void errorsQuoteTheRestOfTheExpressionFromWhereTheRuleFailed() {
        assertEquals(List.of("Expecting logical operator", "Selection syntax error at 'x'.",
                "Use 'help' for selection to get more help."), error("lv_size>1x").messages());
        assertEquals(List.of("Syntax error: right parenthesis expected at ''"), error("(lv_name=a").messages());
        assertEquals(List.of("Expecting field name", "Selection syntax error at ',lv_name=b'.",
                "Use 'help' for selection to get more help."), error("lv_name=a,,lv_name=b").messages());
        assertEquals(List.of("Missing end quote.", "Missing end quote.", "Failed to parse string value for selection field lv_name.",
                "Selection syntax error at 'lv_name=\"a'.", "Use 'help' for selection to get more help."), error("lv_name=\"a").messages());
        SelectionError unknown = error("foo=1");
        assertTrue(unknown.listsFields());
        assertEquals(List.of("  F", "   ", "  Unrecognised selection field: foo", "  Selection syntax error at 'foo=1'.",
                "  Use 'help' for selection to get more help."), unknown.stderrLines(List.of("F")));
        SelectionError op = error("lv_name>1");
        assertEquals(SelectionHelp.lines(), op.messages().subList(0, SelectionHelp.lines().size()));
        assertEquals("Operator can be used only with number, size, time or percent fields: lv_name>1",
                op.messages().get(SelectionHelp.lines().size()));
        assertEquals(5, op.exitCode());
    }

    @Test
    void emptyAllAndHelpAreNotExpressions() {
        assertTrue(compile("").selectsAll());
        assertTrue(compile("ALL").selectsAll());
        assertInstanceOf(SelectionResult.HelpRequested.class, Selection.compile("Help", LVS, NOW, UTC));
        assertInstanceOf(SelectionResult.HelpRequested.class, Selection.compile("?", LVS, NOW, UTC));
        assertEquals("Expecting field name", error(" ").messages().get(0));
        assertEquals("Selection field is uncomparable: help.", error("help=1").messages().get(0));
    }

    @Test
    void theCallerIsAskedOnlyForTheFieldsTheExpressionNames() {
        Selection s = compile("lv_name=a || (size>1 && tags=[x])");
        assertEquals(java.util.Set.of("lv_name", "lv_size", "lv_tags"), s.fieldIds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.test(id -> id.equals("lv_name") ? new SelectValue.Num(1) : null));
        assertTrue(e.getMessage().contains("lv_name"), e.getMessage());
    }

    @Test
    void selectionHelpListsReservedValuesUpToTheFirstUnflaggedOne() {
        List<String> help = SelectionHelp.lines();
        assertTrue(help.contains("  -1, unknown, undefined, undef   - Reserved value for undefined numeric value. [number]"), help.toString());
        assertTrue(help.contains("  read-only, r, ro                -  [unknown]"));
        assertFalse(help.stream().anyMatch(l -> l.contains("unmanaged")));
    }
}
