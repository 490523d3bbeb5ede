/**
 * kmod4j-modpost: the build-time half of a module JAR, named after Linux's {@code modpost}.
 *
 * <p>{@link io.kmod4j.modpost.ModpostProcessor} is a javac annotation processor. It finds the one
 * class carrying {@link io.kmod4j.ModuleInfo}, checks it and its {@link io.kmod4j.Param} fields
 * with the rules Linux applies at build time ({@code MODULE_*} macros, {@code module_param},
 * {@code VERIFY_OCTAL_PERMISSIONS}, {@code kstrto*}), and writes {@code META-INF/kmod4j/modinfo}
 * as {@code docs/module-format.md} specifies, so that {@code modinfo}, {@code depmod} and
 * {@code insmod} never have to run module code to learn about it.
 *
 * <p>Everything else in the package is package-private: the processor is the only entry point,
 * and javac finds it through {@code META-INF/services/javax.annotation.processing.Processor}.
 */
package io.kmod4j.modpost;
