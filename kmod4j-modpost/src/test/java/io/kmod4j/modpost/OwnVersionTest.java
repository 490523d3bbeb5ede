package io.kmod4j.modpost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** vermagic: the processor's own version, cut to major.minor. */
class OwnVersionTest {

    @ParameterizedTest
    @CsvSource({"0.1.0, 0.1", "0.1, 0.1", "1.2.3-SNAPSHOT, 1.2", "10.20-rc1, 10.20", "' 2.3.4 ', 2.3"})
    void cutsToMajorMinor(String version, String majorMinor) {
        assertThat(OwnVersion.majorMinor(version)).hasValue(majorMinor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "${project.version}", "1", "1.x", "v1.2", "1.2x"})
    void refusesWhatIsNotAVersion(String version) {
        assertThat(OwnVersion.majorMinor(version)).isEmpty();
    }

    @Test
    void theFilteredResourceCarriesTheBuildVersion() {
        String built = System.getProperty("kmod4j.project.version");
        assertThat(OwnVersion.majorMinor()).isPresent();
        if (built != null) {
            assertThat(OwnVersion.majorMinor()).isEqualTo(OwnVersion.majorMinor(built));
        }
    }
}
