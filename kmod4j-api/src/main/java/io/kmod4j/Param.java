package io.kmod4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a module parameter ({@code module_param}, {@code MODULE_PARM_DESC}) on a field of the
 * module class. kmod4j-modpost records it in the module's metadata, so {@code modinfo} lists it
 * without loading the module; the runtime sets the field before {@link Module#init} runs.
 *
 * <p>The type follows the field: {@code boolean} is {@code bool}, {@code byte} {@code byte},
 * {@code short} {@code short}, {@code int} {@code int}, {@code long} {@code long}, {@code String}
 * {@code charp}; arrays of those are array parameters. {@link #type()} can name a Linux type that
 * Java spells the same way ({@code uint}, {@code ushort}, {@code ulong}, {@code hexint},
 * {@code invbool}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Param {

    /** The parameter's name; the field's name when empty. */
    String name() default "";

    /** One line for {@code modinfo}: {@code parm: NAME:DESCRIPTION (TYPE)}. */
    String description() default "";

    /** The value used when none is given at load time, as text; the type's zero when empty. */
    String defaultValue() default "";

    /** The Linux type name when it differs from the field's natural one; see the class doc. */
    String type() default "";

    /**
     * Permissions of {@code /sys/module/NAME/parameters/PARAM}, octal as in Linux ({@code 0444}
     * read-only, {@code 0644} writable by the owner, {@code 0} hidden). World-writable values are
     * refused at build time, as Linux refuses them.
     */
    int perm() default 0444;
}
