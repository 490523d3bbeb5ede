package io.kmod4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A module's metadata, on its entry class ({@code MODULE_LICENSE}, {@code MODULE_AUTHOR},
 * {@code MODULE_DESCRIPTION}, {@code MODULE_VERSION}, {@code MODULE_FIRMWARE},
 * {@code MODULE_ALIAS}, {@code EXPORT_SYMBOL}).
 *
 * <p>The annotation processor {@code kmod4j-modpost} (Linux's {@code modpost}) checks it at build
 * time and writes it into the JAR as {@code META-INF/kmod4j/modinfo}, which {@code modinfo},
 * {@code depmod} and {@code insmod} read without running any module code. Exactly one class per
 * module JAR carries it, and that class implements {@link Module}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ModuleInfo {

    /** The module's name: letters, digits, '_' and '-' ({@code lsmod} shows '-' as '_' in Linux; kmod4j keeps it). */
    String name();

    /** {@code MODULE_LICENSE}: "GPL", "GPL v2", "Dual MIT/GPL", "Proprietary", ... A licence Linux does not count as GPL-compatible taints the kernel 'P'. */
    String license();

    /** {@code MODULE_VERSION}. */
    String version() default "";

    /** {@code MODULE_AUTHOR}, one entry per author. */
    String[] author() default {};

    /** {@code MODULE_DESCRIPTION}. */
    String description() default "";

    /** Modules that must be loaded first; their exported packages become visible to this one. */
    String[] depends() default {};

    /** Packages this module exports to modules that depend on it ({@code EXPORT_SYMBOL}). */
    String[] exports() default {};

    /** {@code MODULE_FIRMWARE}: firmware files the module may request. */
    String[] firmware() default {};

    /**
     * {@code MODULE_ALIAS} / {@code MODULE_DEVICE_TABLE}: names under which {@code modprobe}
     * finds this module, e.g. {@code "of:kmod4j,tftp-flash"} for a device's compatible string.
     */
    String[] aliases() default {};
}
