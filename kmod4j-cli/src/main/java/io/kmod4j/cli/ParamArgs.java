package io.kmod4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Module parameters as insmod takes them: {@code name=value}, or a bare {@code name} (no value). */
final class ParamArgs {

    private ParamArgs() {}

    /**
     * Parses {@code name=value} words in order; a later word for the same name wins.
     *
     * @return the parameters; a bare name maps to {@code null}
     * @throws IllegalArgumentException naming the word if it has no name
     */
    static Map<String, String> parse(List<String> words) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            String name = eq < 0 ? w : w.substring(0, eq);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("module parameter '" + w + "' has no name (expected name=value)");
            }
            out.put(name, eq < 0 ? null : w.substring(eq + 1));
        }
        return out;
    }

    /** The same, reporting a malformed word as a usage error of {@code verb}. */
    static Map<String, String> parse(List<String> words, Verb verb) {
        try {
            return parse(Optional.ofNullable(words).orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw verb.usage(e.getMessage());
        }
    }
}
