package org.codingkpi.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    void defaultsAreACleanFeedWithGoLiveThirtyDaysAfterStart() {
        SimulatorConfig config = SimulatorConfig.defaults();

        assertThat(config.duplicateRate()).isZero();
        assertThat(config.lateRate()).isZero();
        assertThat(config.invalidRate()).isZero();
        assertThat(config.goLive()).isEqualTo(config.start().plus(Duration.ofDays(30)));
        assertThat(config.end()).isEqualTo(config.start().plus(Duration.ofDays(config.days())));
    }

    @Test
    void goLiveFollowsAMovedStartUnlessSet() {
        Instant start = Instant.parse("2025-06-01T00:00:00Z");
        Instant goLive = Instant.parse("2025-09-15T00:00:00Z");

        assertThat(SimulatorConfig.builder().start(start).build().goLive()).isEqualTo(Instant.parse("2025-07-01T00:00:00Z"));
        assertThat(SimulatorConfig.builder().goLive(goLive).start(start).build().goLive()).isEqualTo(goLive);
    }

    @Test
    void messyPresetHasDuplicatesLateAndInvalidLines() {
        SimulatorConfig messy = SimulatorConfig.messy();

        assertThat(messy.duplicateRate()).isEqualTo(0.01);
        assertThat(messy.lateRate()).isEqualTo(0.02);
        assertThat(messy.invalidRate()).isEqualTo(0.005);
        assertThat(messy.toBuilder().clean().build()).isEqualTo(SimulatorConfig.defaults());
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> SimulatorConfig.builder().days(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorConfig.builder().duplicateRate(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorConfig.builder().coders(2).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
