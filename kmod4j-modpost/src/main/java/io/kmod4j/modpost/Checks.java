package io.kmod4j.modpost;

import java.util.regex.Pattern;

/** Checks shared by the {@code @ModuleInfo} and {@code @Param} readers. */
final class Checks {

    /** A module name, as {@code name=} and {@code depends=} carry it. */
    static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,56}");

    /** What {@link #MODULE_NAME} allows, for messages. */
    static final String MODULE_NAME_RULE = "1 to 56 of A-Z a-z 0-9 _ -";

    private Checks() {}

    /**
     * Refuses a value that would break the one-{@code key=value}-per-line format: a line feed,
     * a carriage return or a NUL anywhere in it.
     *
     * @param what the value's role in a message ({@code "description"})
     * @return whether the value is on one line; when not, an error has been reported
     */
    static boolean singleLine(Report report, AnnotationReader.Item item, String what) {
        String v = item.value();
        if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\0') >= 0) {
            report.error(item.site(), what + " must not contain a line break or NUL:"
                    + " META-INF/kmod4j/modinfo holds one key=value per line");
            return false;
        }
        return true;
    }

    /** {@code "text"} with quotes, for messages. */
    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
