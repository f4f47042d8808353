package io.crumblecracker.guestfs;

import java.nio.file.PathMatcher;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@link java.nio.file.FileSystem#getPathMatcher} for guest paths: {@code glob:} and {@code regex:} patterns
 * matched against a path's string. Globs as the JDK specifies them: {@code *} matches within a name,
 * {@code **} across names, {@code ?} one character of a name, {@code [a-z]} and {@code [!a-z]} one of (or
 * none of) a set, {@code {a,b}} one of the groups (not nested), {@code \} escapes.
 */
final class GuestPathMatchers {
    private static final String REGEX_SPECIAL = "\\^$.|?*+()[]{}";

    private GuestPathMatchers() {
    }

    /**
     * A matcher for {@code syntaxAndPattern}.
     *
     * @throws IllegalArgumentException      without a {@code syntax:} prefix
     * @throws UnsupportedOperationException for a syntax other than glob and regex
     * @throws PatternSyntaxException        for an invalid pattern
     */
    static PathMatcher of(final String syntaxAndPattern) {
        final int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected syntax:pattern, not '" + syntaxAndPattern + "'");
        }
        final String syntax = syntaxAndPattern.substring(0, colon).toLowerCase(Locale.ROOT);
        final String pattern = syntaxAndPattern.substring(colon + 1);
        final Pattern regex = Pattern.compile(switch (syntax) {
            case "glob" -> globToRegex(pattern);
            case "regex" -> pattern;
            default -> throw new UnsupportedOperationException("Syntax '" + syntax + "' not recognized");
        });
        return path -> regex.matcher(path.toString()).matches();
    }

    /** The regular expression that matches what {@code glob} matches. */
    static String globToRegex(final String glob) {
        final StringBuilder regex = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            final char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    literal(regex, glob.charAt(i++));
                }
                case '*' -> {
                    if (i < glob.length() && glob.charAt(i) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '[' -> i = bracket(glob, i, regex);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    regex.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        regex.append("))");
                        inGroup = false;
                    } else {
                        literal(regex, c);
                    }
                }
                case ',' -> {
                    if (inGroup) {
                        regex.append(")|(?:");
                    } else {
                        literal(regex, c);
                    }
                }
                default -> literal(regex, c);
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}'", glob, glob.length() - 1);
        }
        return regex.append('$').toString();
    }

    /** Translates the bracket expression starting at {@code start} (after its {@code [}); the index after it. */
    private static int bracket(final String glob, final int start, final StringBuilder regex) {
        regex.append("[[^/]&&[");
        int i = start;
        if (i < glob.length() && glob.charAt(i) == '!') {
            regex.append('^');
            i++;
        } else if (i < glob.length() && glob.charAt(i) == '^') {
            regex.append("\\^");
            i++;
        }
        while (i < glob.length()) {
            final char c = glob.charAt(i++);
            if (c == ']') {
                regex.append("]]");
                return i;
            }
            if (c == '/') {
                throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            if (c == '\\' || c == '[' || c == '&' || c == '^') {
                regex.append('\\');
            }
            regex.append(c);
        }
        throw new PatternSyntaxException("Missing ']'", glob, glob.length() - 1);
    }

    private static void literal(final StringBuilder regex, final char c) {
        if (REGEX_SPECIAL.indexOf(c) >= 0) {
            regex.append('\\');
        }
        regex.append(c);
    }
}
