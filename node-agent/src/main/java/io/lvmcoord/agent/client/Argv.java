package io.lvmcoord.agent.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks a command's arguments the way lvm2 takes them: flags with values (separate, after '=',
 * or attached to a short flag: {@code -ovg_name}) and positionals, which the caller collects in
 * {@link #positional}. The one argv walker of the client's commands and of {@link ReportQuery}.
 */
class Argv {
    private final List<String> a;
    private int i;
    final List<String> positional = new ArrayList<>();

    /** @param a the arguments after the command's name */
    Argv(List<String> a) {
        this.a = a;
    }

    boolean more() {
        return i < a.size();
    }

    String next() {
        return a.get(i++);
    }

    /** The value of {@code flag}, whose token was {@code token}: in the token itself, or the next argument. */
    String value(String flag, String token) throws ReportQuery.BadQuery {
        int eq = token.indexOf('=');
        if (token.startsWith("--") && eq > 0) {
            return token.substring(eq + 1);
        }
        if (!token.startsWith("--") && token.length() > 2) {
            return token.substring(2); // -ovg_name
        }
        if (i >= a.size()) {
            throw new ReportQuery.BadQuery("option " + flag + " needs a value");
        }
        return a.get(i++);
    }

    /** The flag a token names: {@code --units=k} is --units, {@code -ovg_name} is -o. */
    static String name(String token) {
        int eq = token.indexOf('=');
        if (token.startsWith("--")) {
            return eq > 0 ? token.substring(0, eq) : token;
        }
        return token.length() > 2 ? token.substring(0, 2) : token;
    }
}
