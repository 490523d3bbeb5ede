package io.kmod4j.stress.lincheck;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * One place for the Lincheck settings, sized for a 2-core machine: enough scenarios to find the
 * canary bugs every time (see {@code CanaryLinearizabilityTest}), few enough to run in well under
 * a minute.
 */
final class LincheckSettings {

    private LincheckSettings() {}

    static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(30)
                .invocationsPerIteration(1_000)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(CompletionSpec.class);
    }
}
