package io.lvmcoord.coordinator.report.select;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The two ways lvm2 reads a time in a selection, with their quirks kept because lvm2's answers depend
 * on them.
 *
 * <p><b>Formatted</b> (libdevmapper): {@code YYYY[-MM[-DD]] [hh[:mm[:ss]]] [+-hh[:mm]]}, also without
 * delimiters. Anything coarser than a second is a range: "2026-01" is the whole month. The day range
 * ends one day later only when the day number is below the length of the month <em>before</em> the
 * given one (libdevmapper indexes its table with the 0-based month); otherwise it widens to the next
 * month (or year, for December), and for January the table entry read is 0, so every January day is a
 * month long. "hh:mm:ss" is a single instant.
 *
 * <p><b>Fuzzy</b> (lvm2's lv_time reserved value): words and numbers such as "yesterday",
 * "2 hours ago", "Feb 15", "10:00 PM" (but not "last week": "last" is no word lvm2 knows). Items are
 * tokenised, classified from their neighbours (a number before a month name is a day when it is
 * shorter than the number after it), checked for mixes of absolute and relative parts, then applied to the current local time and
 * turned into a range whose width is the finest unit used. Time zone items are parsed but ignored.
 * The tokenizer may step one character past the phrase when a clock time ends it; lvm2 then reads on
 * into the rest of the selection after its closing quote, so we hand it the same text.
 */
final class SelectionTime {
    private static final long SECS_PER_MINUTE = 60;
    private static final long SECS_PER_HOUR = 3600;
    private static final long SECS_PER_DAY = 86400;
    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    /** A selection time: one instant, or the inclusive range [t1, t2]. */
    record TimeValue(boolean range, long t1, long t2) {
    }

    private SelectionTime() {
    }

    // ---------------------------------------------------------------- broken-down time (struct tm)

    /** struct tm's fields, years since 1900 and 0-based months, normalised the way mktime(3) does. */
    private static final class Tm {
        long year;
        long mon;
        long mday;
        long hour;
        long min;
        long sec;

        Tm copy() {
            Tm t = new Tm();
            t.year = year;
            t.mon = mon;
            t.mday = mday;
            t.hour = hour;
            t.min = min;
            t.sec = sec;
            return t;
        }

        LocalDateTime toLocal() {
            return LocalDateTime.of(1900, 1, 1, 0, 0)
                    .plusYears(year).plusMonths(mon).plusDays(mday - 1)
                    .plusHours(hour).plusMinutes(min).plusSeconds(sec);
        }

        void normalise(LocalDateTime t) {
            year = t.getYear() - 1900L;
            mon = t.getMonthValue() - 1L;
            mday = t.getDayOfMonth();
            hour = t.getHour();
            min = t.getMinute();
            sec = t.getSecond();
        }

        static Tm of(LocalDateTime t) {
            Tm tm = new Tm();
            tm.normalise(t);
            return tm;
        }
    }

    /** mktime with tm_isdst = -1: the zone decides. */
    private static long mktime(Tm tm, ZoneId zone) {
        return tm.toLocal().atZone(zone).toEpochSecond();
    }

    /** mktime with tm_isdst = 0: the wall time is read as standard time; tm is normalised in place. */
    private static long mktimeStandard(Tm tm, ZoneId zone) {
        LocalDateTime local = tm.toLocal();
        ZoneRules rules = zone.getRules();
        ZoneOffset standard = rules.getStandardOffset(local.atZone(zone).toInstant());
        tm.normalise(local);
        return local.toEpochSecond(standard);
    }

    private static boolean isDst(long t, ZoneId zone) {
        return zone.getRules().isDaylightSavings(Instant.ofEpochSecond(t));
    }

    private static boolean isLeapYear(long year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** lvm2's days-in-month lookup, called with values that are not always a 1-based month (see class doc). */
    private static int daysInMonth(long month, long year) {
        if (month < 1 || month > 12) {
            return 0;
        }
        return month == 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[(int) month - 1];
    }

    // ---------------------------------------------------------------- C string helpers

    private static final class Cursor {
        final char[] buf;

        Cursor(char[] buf) {
            this.buf = buf;
        }

        char at(int i) {
            return i < buf.length ? buf[i] : '\0';
        }

        int skipSpace(int i) {
            while (at(i) != '\0' && isSpace(at(i))) {
                i++;
            }
            return i;
        }

        /** The C string starting at i: up to the first NUL. */
        String cString(int i) {
            StringBuilder sb = new StringBuilder();
            while (at(i) != '\0') {
                sb.append(at(i++));
            }
            return sb.toString();
        }

        /** strtol(3) base 10: value and end index; end == start when no digits were read. */
        long[] strtol(int start) {
            int i = start;
            while (isSpace(at(i))) {
                i++;
            }
            boolean negative = false;
            if (at(i) == '+' || at(i) == '-') {
                negative = at(i) == '-';
                i++;
            }
            int digits = i;
            long value = 0;
            boolean overflow = false;
            while (isDigit(at(i))) {
                int d = at(i) - '0';
                if (value > (Long.MAX_VALUE - d) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 + d;
                }
                i++;
            }
            if (i == digits) {
                return new long[] {0, start, 0};
            }
            if (overflow) {
                value = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            } else if (negative) {
                value = -value;
            }
            return new long[] {value, i, overflow ? 1 : 0};
        }
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    // ---------------------------------------------------------------- formatted date and time

    private enum Range { NONE, SECOND, MINUTE, HOUR, DAY, MONTH, YEAR }

    /** Parses libdevmapper's formatted date/time; null (after appending any messages) when it is not one. */
    static TimeValue parseFormatted(String text, ZoneId zone, List<String> errors) {
        Cursor c = new Cursor((text + '\0').toCharArray());
        Tm tm = new Tm();
        Range[] range = {Range.NONE};
        int i = date(c, 0, tm, range, errors);
        if (i < 0) {
            return null;
        }
        i = time(c, i, tm, range, errors);
        if (i < 0) {
            return null;
        }
        int[] tz = {0, 0};
        i = timezone(c, i, tz);
        if (i < 0 || c.at(i) != '\0') {
            return null;
        }
        return finalTime(range[0], tm, tz[0] == 1, tz[1], zone);
    }

    private static int date(Cursor c, int str, Tm tm, Range[] range, List<String> errors) {
        if (!isDigit(c.at(str))) {
            return -1;
        }
        Range r = Range.NONE;
        long n2 = -1;
        long n3 = -1;
        long len = 0;
        int s = str;
        long[] v = c.strtol(s);
        long n1 = v[0];
        int end = (int) v[1];
        if (c.at(end) == '-') {
            len += 4 - (end - s);
            s = end + 1;
            if (isDigit(c.at(s))) {
                v = c.strtol(s);
                n2 = v[0];
                end = (int) v[1];
                len += 2 - (end - s);
                if (c.at(end) == '-') {
                    s = end + 1;
                    v = c.strtol(s);
                    n3 = v[0];
                    end = (int) v[1];
                    len += 2 - (end - s);
                }
            }
        }
        len = len + end - str;
        if (n3 == -1) {
            if (n2 == -1) {
                if (len == 4) {
                    r = Range.YEAR;
                    n3 = n2 = 1;
                } else if (len == 6) {
                    r = Range.MONTH;
                    n3 = 1;
                    n2 = n1 % 100;
                    n1 = n1 / 100;
                } else if (len == 8) {
                    r = Range.DAY;
                    n3 = n1 % 100;
                    n2 = (n1 / 100) % 100;
                    n1 = n1 / 10000;
                } else {
                    errors.add("Incorrect date format.");
                    return -1;
                }
            } else if (len == 7) {
                r = Range.MONTH;
                n3 = 1;
            } else {
                errors.add("Incorrect date format.");
                return -1;
            }
        }
        if (n2 < 1 || n2 > 12) {
            errors.add("Specified month out of range.");
            return -1;
        }
        if (n3 < 1 || n3 > daysInMonth(n2, n1)) {
            errors.add("Specified day out of range.");
            return -1;
        }
        if (r == Range.NONE) {
            r = Range.DAY;
        }
        tm.year = n1 - 1900;
        tm.mon = n2 - 1;
        tm.mday = n3;
        range[0] = r;
        return c.skipSpace(end);
    }

    private static int time(Cursor c, int str, Tm tm, Range[] range, List<String> errors) {
        if (!isDigit(c.at(str))) {
            tm.hour = tm.min = tm.sec = 0;
            return c.skipSpace(str);
        }
        Range r = Range.NONE;
        long n2 = -1;
        long n3 = -1;
        long len = 0;
        int s = str;
        long[] v = c.strtol(s);
        long n1 = v[0];
        int end = (int) v[1];
        if (c.at(end) == ':') {
            len += 2 - (end - s);
            s = end + 1;
            if (isDigit(c.at(s))) {
                v = c.strtol(s);
                n2 = v[0];
                end = (int) v[1];
                len += 2 - (end - s);
                if (c.at(end) == ':') {
                    s = end + 1;
                    v = c.strtol(s);
                    n3 = v[0];
                    end = (int) v[1];
                    len += 2 - (end - s);
                }
            }
        }
        len = len + end - str;
        if (n3 == -1) {
            if (n2 == -1) {
                if (len == 2) {
                    r = Range.HOUR;
                    n3 = n2 = 0;
                } else if (len == 4) {
                    r = Range.MINUTE;
                    n3 = 0;
                    n2 = n1 % 100;
                    n1 = n1 / 100;
                } else if (len == 6) {
                    r = Range.SECOND;
                    n3 = n1 % 100;
                    n2 = (n1 / 100) % 100;
                    n1 = n1 / 10000;
                } else {
                    errors.add("Incorrect time format.");
                    return -1;
                }
            } else if (len == 5) {
                r = Range.MINUTE;
                n3 = 0;
            } else {
                errors.add("Incorrect time format.");
                return -1;
            }
        }
        if (n1 < 0 || n1 > 23) {
            errors.add("Specified hours out of range.");
            return -1;
        }
        if (n2 < 0 || n2 > 60) {
            errors.add("Specified minutes out of range.");
            return -1;
        }
        if (n3 < 0 || n3 > 60) {
            errors.add("Specified seconds out of range.");
            return -1;
        }
        if (range[0] != Range.DAY) {
            errors.add("Full date specification needed.");
            return -1;
        }
        tm.hour = n1;
        tm.min = n2;
        tm.sec = n3;
        range[0] = r;
        return c.skipSpace(end);
    }

    /** tz[0] = 1 when a zone was given, tz[1] = its offset from UTC in seconds; -1 for a malformed zone. */
    private static int timezone(Cursor c, int str, int[] tz) {
        int s = str;
        int sign = 1;
        if (!isDigit(c.at(s))) {
            if (c.at(s) == '+') {
                s++;
            } else if (c.at(s) == '-') {
                sign = -1;
                s++;
            } else {
                return c.skipSpace(s);
            }
        }
        long n2 = -1;
        long len = 0;
        long[] v = c.strtol(s);
        long n1 = v[0];
        int end = (int) v[1];
        if (c.at(end) == ':') {
            len = 2 - (end - s);
            s = end + 1;
            if (isDigit(c.at(s))) {
                v = c.strtol(s);
                n2 = v[0];
                end = (int) v[1];
                len = 2 - (end - s);
            }
        }
        len = len + end - s;
        if (n2 == -1) {
            if (len == 2) {
                n2 = 0;
            } else if (len == 4) {
                n2 = n1 % 100;
                n1 = n1 / 100;
            } else {
                return -1;
            }
        }
        if (n2 < 0 || n2 > 60 || n1 < 0 || n1 > 14) {
            return -1;
        }
        tz[0] = 1;
        tz[1] = (int) (sign * (n1 * 3600 + n2 * 60));
        return c.skipSpace(end);
    }

    private static TimeValue finalTime(Range range, Tm tm, boolean tzSupplied, long offset, ZoneId zone) {
        Tm up = tm.copy();
        switch (range) {
            case SECOND:
                if (up.sec < 59) {
                    up.sec++;
                    break;
                }
                // fall through
            case MINUTE:
                if (up.min < 59) {
                    up.min++;
                    break;
                }
                // fall through
            case HOUR:
                if (up.hour < 23) {
                    up.hour++;
                    break;
                }
                // fall through
            case DAY:
                if (up.mday < daysInMonth(up.mon, up.year)) {
                    up.mday++;
                    break;
                }
                // fall through
            case MONTH:
                if (up.mon < 11) {
                    up.mon++;
                    break;
                }
                // fall through
            case YEAR:
                up.year++;
                break;
            case NONE:
                break;
        }
        long t1 = mktime(tm, zone);
        long t2 = mktime(up, zone) - 1;
        if (tzSupplied) {
            long local = zone.getRules().getOffset(Instant.ofEpochSecond(t1)).getTotalSeconds();
            offset -= local;
            t1 -= offset;
            t2 -= offset;
        }
        return new TimeValue(range != Range.NONE, t1, t2);
    }

    // ---------------------------------------------------------------- fuzzy date and time

    private static final int DATE = 1;
    private static final int TIME = 2;
    private static final int ABS = 4;
    private static final int REL = 8;

    /** lvm2's time item ids; the declaration order is significant (granularities compare by it). */
    private enum Id {
        NULL(0, null), NUM(0, null), STR(0, null),
        NUM__START(0, null), NUM_MULTIPLIER(0, null), NUM_MULTIPLIER_NEGATIVE(0, null),
        NUM_DAY(DATE | ABS, "UNIT_DAY"), NUM_YEAR(DATE | ABS, "UNIT_YEAR"), NUM__END(0, null),
        STR_TIMEZONE(TIME | ABS, null),
        FRAME__START(0, null), FRAME_AGO(DATE | TIME | REL, null), FRAME__END(0, null),
        LABEL_DATE__START(0, null),
        TODAY(DATE | ABS, "UNIT_DAY"), YESTERDAY(DATE | ABS, "UNIT_DAY"),
        WEEKDAY__START(0, null),
        SUNDAY(DATE | ABS, "UNIT_DAY"), MONDAY(DATE | ABS, "UNIT_DAY"), TUESDAY(DATE | ABS, "UNIT_DAY"),
        WEDNESDAY(DATE | ABS, "UNIT_DAY"), THURSDAY(DATE | ABS, "UNIT_DAY"), FRIDAY(DATE | ABS, "UNIT_DAY"),
        SATURDAY(DATE | ABS, "UNIT_DAY"),
        WEEKDAY__END(0, null), LABEL_DATE__END(0, null),
        LABEL_TIME__START(0, null), NOON(TIME | ABS, "UNIT_SECOND"), MIDNIGHT(TIME | ABS, "UNIT_SECOND"),
        LABEL_TIME__END(0, null),
        UNIT__START(0, null),
        UNIT_SECOND(TIME | ABS, "UNIT_SECOND"), UNIT_SECOND_REL(TIME | REL, "UNIT_SECOND"),
        UNIT_MINUTE(TIME | ABS, "UNIT_MINUTE"), UNIT_MINUTE_REL(TIME | REL, "UNIT_MINUTE"),
        UNIT_HOUR(TIME | ABS, "UNIT_HOUR"), UNIT_HOUR_REL(TIME | REL, "UNIT_HOUR"),
        UNIT_AM(TIME | ABS, "UNIT_HOUR"), UNIT_PM(TIME | ABS, "UNIT_HOUR"),
        UNIT_DAY(DATE | REL, "UNIT_DAY"), UNIT_WEEK(DATE | REL, "UNIT_WEEK"),
        UNIT_MONTH(DATE | REL, "UNIT_MONTH"), UNIT_YEAR(DATE | REL, "UNIT_YEAR"),
        UNIT_TZ_MINUTE(TIME | ABS, null), UNIT_TZ_HOUR(TIME | ABS, null),
        UNIT__END(0, null),
        MONTH__START(0, null),
        JANUARY(DATE | ABS, "UNIT_MONTH"), FEBRUARY(DATE | ABS, "UNIT_MONTH"), MARCH(DATE | ABS, "UNIT_MONTH"),
        APRIL(DATE | ABS, "UNIT_MONTH"), MAY(DATE | ABS, "UNIT_MONTH"), JUNE(DATE | ABS, "UNIT_MONTH"),
        JULY(DATE | ABS, "UNIT_MONTH"), AUGUST(DATE | ABS, "UNIT_MONTH"), SEPTEMBER(DATE | ABS, "UNIT_MONTH"),
        OCTOBER(DATE | ABS, "UNIT_MONTH"), NOVEMBER(DATE | ABS, "UNIT_MONTH"), DECEMBER(DATE | ABS, "UNIT_MONTH"),
        MONTH__END(0, null);

        final int flags;
        private final String granularityName;

        Id(int flags, String granularityName) {
            this.flags = flags;
            this.granularityName = granularityName;
        }

        Id granularity() {
            return granularityName == null ? NULL : valueOf(granularityName);
        }

        boolean between(Id start, Id end) {
            return ordinal() > start.ordinal() && ordinal() < end.ordinal();
        }

        boolean isNum() {
            return between(NUM__START, NUM__END);
        }

        boolean isLabelDate() {
            return between(LABEL_DATE__START, LABEL_DATE__END);
        }

        boolean isLabelTime() {
            return between(LABEL_TIME__START, LABEL_TIME__END);
        }

        boolean isUnit() {
            return between(UNIT__START, UNIT__END);
        }

        boolean isWeekday() {
            return between(WEEKDAY__START, WEEKDAY__END);
        }

        boolean isMonth() {
            return between(MONTH__START, MONTH__END);
        }
    }

    private record Word(String name, Id id, boolean plural) {
    }

    private static final List<Word> WORDS = List.of(
            new Word("ago", Id.FRAME_AGO, false),
            new Word("today", Id.TODAY, false),
            new Word("yesterday", Id.YESTERDAY, false),
            new Word("Sunday", Id.SUNDAY, true), new Word("Sun", Id.SUNDAY, false),
            new Word("Monday", Id.MONDAY, true), new Word("Mon", Id.MONDAY, false),
            new Word("Tuesday", Id.TUESDAY, true), new Word("Tue", Id.TUESDAY, false),
            new Word("Wednesday", Id.WEDNESDAY, true), new Word("Wed", Id.WEDNESDAY, false),
            new Word("Thursday", Id.THURSDAY, true), new Word("Thu", Id.THURSDAY, false),
            new Word("Friday", Id.FRIDAY, true), new Word("Fri", Id.FRIDAY, false),
            new Word("Saturday", Id.SATURDAY, true), new Word("Sat", Id.SATURDAY, false),
            new Word("noon", Id.NOON, true),
            new Word("midnight", Id.MIDNIGHT, true),
            new Word("second", Id.UNIT_SECOND, true), new Word("sec", Id.UNIT_SECOND, true),
            new Word("s", Id.UNIT_SECOND, false),
            new Word("minute", Id.UNIT_MINUTE, true), new Word("min", Id.UNIT_MINUTE, true),
            new Word("m", Id.UNIT_MINUTE, false),
            new Word("hour", Id.UNIT_HOUR, true), new Word("hr", Id.UNIT_HOUR, true),
            new Word("h", Id.UNIT_HOUR, false),
            new Word("AM", Id.UNIT_AM, false), new Word("PM", Id.UNIT_PM, false),
            new Word("day", Id.UNIT_DAY, true), new Word("week", Id.UNIT_WEEK, true),
            new Word("month", Id.UNIT_MONTH, true), new Word("year", Id.UNIT_YEAR, true),
            new Word("yr", Id.UNIT_YEAR, true),
            new Word("January", Id.JANUARY, false), new Word("Jan", Id.JANUARY, false),
            new Word("February", Id.FEBRUARY, false), new Word("Feb", Id.FEBRUARY, false),
            new Word("March", Id.MARCH, false), new Word("Mar", Id.MARCH, false),
            new Word("April", Id.APRIL, false), new Word("Apr", Id.APRIL, false),
            new Word("May", Id.MAY, false),
            new Word("June", Id.JUNE, false), new Word("Jun", Id.JUNE, false),
            new Word("July", Id.JULY, false), new Word("Jul", Id.JULY, false),
            new Word("August", Id.AUGUST, false), new Word("Aug", Id.AUGUST, false),
            new Word("September", Id.SEPTEMBER, false), new Word("Sep", Id.SEPTEMBER, false),
            new Word("October", Id.OCTOBER, false), new Word("Oct", Id.OCTOBER, false),
            new Word("November", Id.NOVEMBER, false), new Word("Nov", Id.NOVEMBER, false),
            new Word("December", Id.DECEMBER, false), new Word("Dec", Id.DECEMBER, false));

    private static final class Item {
        Id id;
        final int s;
        final int len;

        Item(Id id, int s, int len) {
            this.id = id;
            this.s = s;
            this.len = len;
        }
    }

    /**
     * Reads a fuzzy phrase. {@code buffer} is the phrase, a NUL, then the rest of the selection after the
     * phrase's terminating character (see class doc). Returns the range, or null when the phrase is not
     * fuzzy (only digits, '-', ':', '+' and blanks: the formatted parser's business) or is invalid (then
     * lvm2's message is appended).
     */
    static TimeValue parseFuzzy(char[] buffer, Instant now, ZoneId zone, List<String> errors) {
        Cursor c = new Cursor(buffer);
        List<Item> items = preparse(c);
        if (items == null) {
            return null;
        }
        Id[] gran = {Id.UNIT__END, Id.UNIT__START, Id.UNIT__END, Id.UNIT__END};
        if (!recognise(c, items, gran, errors) || !check(c, items, gran, errors)) {
            return null;
        }
        return translate(c, items, gran, now, zone, errors);
    }

    private static int moveTillItemEnd(Cursor c, int s) {
        char ch = c.at(s);
        boolean number = isDigit(ch);
        while (ch != '\0' && !isSpace(ch) && (!number || isDigit(ch))) {
            ch = c.at(++s);
        }
        return s;
    }

    private static List<Item> preparse(Cursor c) {
        List<Item> items = new ArrayList<>();
        boolean fuzzy = false;
        int s = c.skipSpace(0);
        char ch;
        while ((ch = c.at(s)) != '\0') {
            if (!(isDigit(ch) || ch == '-' || ch == ':' || ch == '+')) {
                fuzzy = true;
            }
            int end = moveTillItemEnd(c, s);
            Id id;
            if (isAlpha(ch)) {
                id = Id.STR;
            } else if (isDigit(ch)) {
                if (c.at(end) == ':') {
                    s = clockTime(c, s, items, 0);
                    if (s < 0) {
                        return null;
                    }
                    continue;
                }
                id = Id.NUM;
            } else if (ch == '-' || ch == '+') {
                s = clockTime(c, s + 1, items, ch == '-' ? -1 : 1);
                if (s < 0) {
                    return null;
                }
                continue;
            } else {
                return null;
            }
            items.add(new Item(id, s, end - s));
            s = c.skipSpace(end);
        }
        return fuzzy ? items : null;
    }

    /** hh:mm[:ss], or a zone's hh:mm when tz is +-1; returns where to go on, -1 when malformed. */
    private static int clockTime(Cursor c, int s, List<Item> items, int tz) {
        int end = moveTillItemEnd(c, s);
        addPart(items, tz != 0 ? Id.UNIT_TZ_HOUR : Id.UNIT_HOUR, tz == -1, s, end - s);
        if (c.at(end) != ':') {
            return -1;
        }
        s = end + 1;
        end = moveTillItemEnd(c, s);
        addPart(items, tz != 0 ? Id.UNIT_TZ_MINUTE : Id.UNIT_MINUTE, tz == -1, s, end - s);
        if (c.at(end) != ':') {
            return end + 1;
        }
        if (tz != 0) {
            return -1;
        }
        s = end + 1;
        end = moveTillItemEnd(c, s);
        addPart(items, Id.UNIT_SECOND, false, s, end - s);
        return end + 1;
    }

    private static void addPart(List<Item> items, Id unit, boolean negative, int s, int len) {
        items.add(new Item(negative ? Id.NUM_MULTIPLIER_NEGATIVE : Id.NUM_MULTIPLIER, s, len));
        items.add(new Item(unit, s + len, 0));
    }

    /** gran: [min absolute date, max absolute date, min absolute time, min relative time]. */
    private static boolean recognise(Cursor c, List<Item> items, Id[] gran, List<String> errors) {
        for (int i = 0; i < items.size(); i++) {
            Item ti = items.get(i);
            if (ti.id == Id.STR && matchWord(c, items, i) == Id.NULL) {
                errors.add("Unrecognized string in date/time specification at \"" + c.cString(ti.s) + "\".");
                return false;
            }
            if (ti.id == Id.FRAME_AGO) {
                for (int j = i - 1; j >= 0 && items.get(j).id != Id.FRAME_AGO; j--) {
                    Item p = items.get(j);
                    switch (p.id) {
                        case UNIT_SECOND -> p.id = Id.UNIT_SECOND_REL;
                        case UNIT_MINUTE -> p.id = Id.UNIT_MINUTE_REL;
                        case UNIT_HOUR -> p.id = Id.UNIT_HOUR_REL;
                        default -> { }
                    }
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Item ti = items.get(i);
            if (ti.id == Id.NUM) {
                matchNumber(items, i);
            }
            granularity(ti, gran);
        }
        return true;
    }

    private static Id matchWord(Cursor c, List<Item> items, int i) {
        Item ti = items.get(i);
        Item prev = i > 0 ? items.get(i - 1) : null;
        ti.id = Id.NULL;
        for (Word w : WORDS) {
            int n = w.name().length();
            if (ti.len != n && !(w.plural() && ti.len == n + 1 && c.at(ti.s + n) == 's')) {
                continue;
            }
            if (new String(c.buf, ti.s, n).equalsIgnoreCase(w.name())) {
                ti.id = w.id();
                if (ti.id.isUnit() && prev != null && prev.id == Id.NUM) {
                    prev.id = Id.NUM_MULTIPLIER;
                }
                break;
            }
        }
        return ti.id;
    }

    private static void matchNumber(List<Item> items, int i) {
        Item ti = items.get(i);
        Item next = i + 1 < items.size() ? items.get(i + 1) : null;
        Item afterNext = i + 2 < items.size() ? items.get(i + 2) : null;
        Item prev = i > 0 ? items.get(i - 1) : null;
        if (next != null && next.id.isMonth()) {
            if (afterNext != null && afterNext.id == Id.NUM) {
                boolean dayFirst = ti.len < afterNext.len;
                ti.id = dayFirst ? Id.NUM_DAY : Id.NUM_YEAR;
                afterNext.id = dayFirst ? Id.NUM_YEAR : Id.NUM_DAY;
            } else {
                ti.id = ti.len <= 2 ? Id.NUM_DAY : Id.NUM_YEAR;
            }
        } else if (prev != null && prev.id.isMonth()) {
            ti.id = ti.len <= 2 ? Id.NUM_DAY : Id.NUM_YEAR;
        } else {
            ti.id = Id.NUM_YEAR;
        }
    }

    private static void granularity(Item ti, Id[] gran) {
        Id g = ti.id.granularity();
        if (g == Id.NULL) {
            return;
        }
        int flags = ti.id.flags;
        boolean date = (flags & DATE) != 0;
        boolean abs = (flags & ABS) != 0;
        boolean rel = (flags & REL) != 0;
        if (date && abs) {
            if (g.ordinal() > gran[1].ordinal()) {
                gran[1] = g;
            }
            if (g.ordinal() < gran[0].ordinal()) {
                gran[0] = g;
            }
        } else if (abs && g.ordinal() < gran[2].ordinal()) {
            gran[2] = g;
        } else if (rel && g.ordinal() < gran[3].ordinal()) {
            gran[3] = g;
        }
    }

    private static boolean check(Cursor c, List<Item> items, Id[] gran, List<String> errors) {
        int dateRelative = -1;
        int timeRelative = -1;
        boolean labelDate = false;
        boolean labelTime = false;
        for (Item ti : items) {
            int flags = ti.id.flags;
            int rel = flags & REL;
            if ((flags & DATE) != 0) {
                if (dateRelative < 0) {
                    dateRelative = rel;
                } else if ((dateRelative ^ rel) != 0 && gran[1].ordinal() >= gran[3].ordinal()) {
                    errors.add("Mixed absolute and relative date specification found at \"" + c.cString(ti.s) + "\".");
                    return false;
                }
                if (labelDate) {
                    errors.add("Ambiguous date specification found at \"" + c.cString(ti.s) + "\".");
                    return false;
                }
                labelDate = ti.id.isLabelDate();
            } else if ((flags & TIME) != 0) {
                if (timeRelative < 0) {
                    timeRelative = rel;
                } else if ((timeRelative ^ rel) != 0) {
                    errors.add("Mixed absolute and relative time specification found at \"" + c.cString(ti.s) + "\".");
                    return false;
                }
                if (labelTime) {
                    errors.add("Ambiguous time specification found at \"" + c.cString(ti.s) + "\".");
                    return false;
                }
                labelTime = ti.id.isLabelTime();
            }
        }
        return true;
    }

    private static TimeValue translate(Cursor c, List<Item> items, Id[] gran, Instant now, ZoneId zone,
                                       List<String> errors) {
        LocalDateTime localNow = LocalDateTime.ofInstant(now, zone);
        int nowWeekday = localNow.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : localNow.getDayOfWeek().getValue();
        Tm tm = Tm.of(localNow);
        long multiplier = 1;
        long t = 0;
        Item prev = null;
        for (Item ti : items) {
            Id id = ti.id;
            if (id.isNum()) {
                long[] v = c.strtol(ti.s);
                if (v[2] != 0) {
                    errors.add("_translate_time_items: invalid time.");
                    return null;
                }
                long num = v[0];
                switch (id) {
                    case NUM_MULTIPLIER_NEGATIVE -> multiplier = -num;
                    case NUM_MULTIPLIER -> multiplier = num;
                    case NUM_DAY -> tm.mday = num;
                    case NUM_YEAR -> tm.year = num - 1900;
                    default -> { }
                }
            } else if (id.isMonth()) {
                tm.mon = id.ordinal() - Id.MONTH__START.ordinal() - 1;
            } else if (id.isLabelDate()) {
                if (id.isWeekday()) {
                    long num = id.ordinal() - Id.WEEKDAY__START.ordinal() - 1;
                    num = nowWeekday < num ? 7 - num + nowWeekday : nowWeekday - num;
                    t += num * SECS_PER_DAY;
                } else if (id == Id.YESTERDAY) {
                    t += SECS_PER_DAY;
                }
            } else if (id.isLabelTime()) {
                tm.hour = id == Id.NOON ? 12 : 0;
                tm.min = 0;
                tm.sec = 0;
            } else if (id.isUnit()) {
                switch (id) {
                    case UNIT_SECOND -> tm.sec = multiplier;
                    case UNIT_SECOND_REL -> t += multiplier;
                    case UNIT_MINUTE -> tm.min = multiplier;
                    case UNIT_MINUTE_REL -> t += multiplier * SECS_PER_MINUTE;
                    case UNIT_HOUR -> tm.hour = multiplier;
                    case UNIT_HOUR_REL -> t += multiplier * SECS_PER_HOUR;
                    case UNIT_AM -> {
                        if (prev != null && prev.id == Id.NUM_MULTIPLIER) {
                            tm.hour = multiplier;
                        }
                    }
                    case UNIT_PM -> {
                        if (prev != null && prev.id.isUnit()) {
                            t -= 12 * SECS_PER_HOUR;
                        } else if (prev != null && prev.id == Id.NUM_MULTIPLIER) {
                            tm.hour = multiplier + 12;
                        }
                    }
                    case UNIT_DAY -> t += multiplier * SECS_PER_DAY;
                    case UNIT_WEEK -> t += multiplier * 7 * SECS_PER_DAY;
                    case UNIT_MONTH -> {
                        tm.year -= multiplier / 12;
                        long months = multiplier % 12;
                        if (months > tm.mon + 1) {
                            tm.year--;
                            tm.mon = 12 - months + tm.mon;
                        } else {
                            tm.mon -= months;
                        }
                    }
                    case UNIT_YEAR -> tm.year -= multiplier;
                    default -> { }
                }
            }
            prev = ti;
        }
        adjustForGranularity(tm, gran);
        return span(tm, t, gran, zone);
    }

    private static void adjustForGranularity(Tm tm, Id[] gran) {
        if (gran[0] == Id.UNIT_YEAR) {
            tm.mon = 0;
        }
        if (gran[0] == Id.UNIT_YEAR || gran[0] == Id.UNIT_MONTH) {
            tm.mday = 1;
        }
        if (gran[2] == Id.UNIT_HOUR) {
            tm.min = 0;
        }
        if (gran[2] == Id.UNIT_HOUR || gran[2] == Id.UNIT_MINUTE) {
            tm.sec = 0;
        }
        if (gran[2] == Id.UNIT__END && gran[3] == Id.UNIT__END) {
            tm.hour = tm.min = tm.sec = 0;
        }
        if (gran[2] == Id.UNIT__END && gran[3].ordinal() >= Id.UNIT_DAY.ordinal()
                && gran[3].ordinal() <= Id.UNIT_YEAR.ordinal()) {
            tm.hour = tm.min = tm.sec = 0;
        }
    }

    private static TimeValue span(Tm tm, long t, Id[] gran, ZoneId zone) {
        long t1 = mktimeStandard(tm, zone) - t;
        long t2 = t1;
        if (gran[2] != Id.UNIT__END) {
            if (gran[2] == Id.UNIT_MINUTE) {
                t2 += SECS_PER_MINUTE - 1;
            } else if (gran[2] == Id.UNIT_HOUR) {
                t2 += SECS_PER_HOUR - 1;
            }
        } else if (gran[3] != Id.UNIT__END) {
            if (gran[3] == Id.UNIT_MINUTE) {
                t1 -= SECS_PER_MINUTE + 1;
            } else if (gran[3] == Id.UNIT_HOUR) {
                t1 -= SECS_PER_HOUR + 1;
            } else if (gran[3].ordinal() >= Id.UNIT_DAY.ordinal() && gran[3].ordinal() <= Id.UNIT_YEAR.ordinal()) {
                t2 += SECS_PER_DAY - 1;
            }
        } else if (gran[0] == Id.UNIT_MONTH) {
            t2 += SECS_PER_DAY * daysInMonth(tm.mon + 1, tm.year) - 1;
        } else if (gran[0] != Id.UNIT__END) {
            t2 += SECS_PER_DAY - 1;
        }
        if (isDst(t1, zone)) {
            t1 -= SECS_PER_HOUR;
        }
        if (isDst(t2, zone)) {
            t2 -= SECS_PER_HOUR;
        }
        return new TimeValue(true, t1, t2);
    }
}
