package io.kmod4j;

import java.util.List;
import java.util.Set;

/**
 * A module's parameters ({@code module_param}): typed values given at load time
 * ({@code insmod hello.jar count=3}) or their declared defaults.
 *
 * <p>Every getter throws {@link IllegalArgumentException} for a name the module did not declare
 * and {@link IllegalStateException} when the declared type does not fit the getter. Thread-safe.
 */
public interface ModuleParams {

    /** The names of all declared parameters. */
    Set<String> names();

    /** The value as text, as {@code /sys/module/NAME/parameters/PARAM} would show it. */
    String get(String name);

    /** An {@code int}, {@code uint}, {@code short}, {@code ushort}, {@code byte} or {@code hexint} parameter. */
    int getInt(String name);

    /** A {@code long} or {@code ulong} parameter (or any narrower integer). */
    long getLong(String name);

    /** A {@code bool} or {@code invbool} parameter. */
    boolean getBool(String name);

    /** A {@code charp} (string) parameter. */
    String getString(String name);

    /** An array parameter ({@code module_param_array}), element by element as text. */
    List<String> getArray(String name);
}
