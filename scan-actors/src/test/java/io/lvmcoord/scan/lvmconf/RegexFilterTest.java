package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RegexFilterTest {

    private static RegexFilter filter(String... patterns) {
        List<ConfigValue> v = Arrays.stream(patterns).<ConfigValue>map(ConfigValue.Str::new).toList();
        return assertInstanceOf(RegexFilter.Compiled.class, RegexFilter.compile(v)).filter();
    }

    @Test
    void theFirstMatchingPatternDecidesForOneName() {
        RegexFilter f = filter("r|sdb|", "a|sd|");
        assertEquals(new RegexFilter.Rejected("/dev/sdb", "r|sdb|"), f.judge(List.of("/dev/sdb")));
        assertEquals(new RegexFilter.Accepted(Optional.of("/dev/sda")), f.judge(List.of("/dev/sda")));
    }

    @Test
    void anyNameAcceptedAcceptsTheDeviceWhateverTheOtherNamesMeet() {
        RegexFilter f = filter("a|/dev/disk/by-id/wwn-1|", "r|.*|");
        assertEquals(new RegexFilter.Accepted(Optional.of("/dev/disk/by-id/wwn-1")),
                f.judge(List.of("/dev/sdc", "/dev/disk/by-id/wwn-1")));
        assertEquals(new RegexFilter.Rejected("/dev/sdd", "r|.*|"), f.judge(List.of("/dev/sdd", "/dev/disk/by-id/wwn-2")));
    }

    @Test
    void aDeviceNoPatternMatchesIsAccepted() {
        assertEquals(new RegexFilter.Accepted(Optional.empty()), filter("r|^/dev/sdz$|").judge(List.of("/dev/sda")));
    }

    @Test
    void anyDelimiterAndBracketPairsWork() {
        assertEquals(new RegexFilter.Rejected("/dev/loop1", "r(loop)"), filter("r(loop)").judge(List.of("/dev/loop1")));
        assertEquals(new RegexFilter.Rejected("/dev/loop1", "r{loop}"), filter("r{loop}").judge(List.of("/dev/loop1")));
        assertEquals(new RegexFilter.Rejected("/dev/loop1", "r#loop#"), filter("r#loop#").judge(List.of("/dev/loop1")));
        assertEquals(new RegexFilter.Rejected("/dev/a|b", "r/a|b/"), filter("r/a|b/").judge(List.of("/dev/a|b")));
    }

    @Test
    void anchorsCharacterSetsAndLiteralBracesFollowLibdm() {
        RegexFilter f = filter("r|^/dev/sd[b-c]$|", "r|x{2}|");
        assertEquals(new RegexFilter.Accepted(Optional.empty()), f.judge(List.of("/dev/sdb1")));
        assertEquals(new RegexFilter.Rejected("/dev/sdc", "r|^/dev/sd[b-c]$|"), f.judge(List.of("/dev/sdc")));
        // libdm has no {n} repetition: the braces are literal characters.
        assertEquals(new RegexFilter.Accepted(Optional.empty()), f.judge(List.of("/dev/xx")));
        assertEquals(new RegexFilter.Rejected("/dev/x{2}", "r|x{2}|"), f.judge(List.of("/dev/x{2}")));
    }

    @Test
    void badPatternsGiveLvm2sErrors() {
        assertEquals(new RegexFilter.Invalid("Pattern must begin with 'a' or 'r'. Invalid filter pattern \"x|y|\"."),
                RegexFilter.compile(List.of(new ConfigValue.Str("x|y|"))));
        assertEquals(new RegexFilter.Invalid("Invalid separator at end of regex. Invalid filter pattern \"a|y\"."),
                RegexFilter.compile(List.of(new ConfigValue.Str("a|y"))));
        assertEquals(new RegexFilter.Invalid("Filter patterns must be enclosed in quotes."),
                RegexFilter.compile(List.of(new ConfigValue.Int(1))));
    }
}
