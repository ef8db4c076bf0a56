package io.releasepipeline.trigger;

import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.ErrorRateReading;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine has observed of the new revision during one traffic step: health probes, smoke checks and the
 * latest error-rate reading. Rollback triggers judge it. Not thread-safe; owned by one release's observation.
 */
public final class Observations {

    private final String revision;
    private final Instant start;
    private final SignalTrack health;
    private final SignalTrack smoke;
    private ErrorRateReading latestErrorRate;
    private ErrorRateReading latestStableErrorRate;
    private List<Alert> alerts = List.of();

    /**
     * Starts observing {@code revision} at {@code start}.
     *
     * @param revision the revision observed
     * @param start when the observation starts
     */
    public Observations(String revision, Instant start) {
        this.revision = Objects.requireNonNull(revision, "revision");
        this.start = Objects.requireNonNull(start, "start");
        this.health = new SignalTrack(start);
        this.smoke = new SignalTrack(start);
    }

    /**
     * The revision observed.
     *
     * @return the revision observed
     */
    public String revision() {
        return revision;
    }

    /**
     * When this step's observation started.
     *
     * @return when this step's observation started
     */
    public Instant start() {
        return start;
    }

    /**
     * Health probe results.
     *
     * @return the health probe results
     */
    public SignalTrack health() {
        return health;
    }

    /**
     * Smoke check results.
     *
     * @return the smoke check results
     */
    public SignalTrack smoke() {
        return smoke;
    }

    /**
     * The latest error-rate reading, if one was taken.
     *
     * @return the latest error-rate reading, if one was taken
     */
    public Optional<ErrorRateReading> latestErrorRate() {
        return Optional.ofNullable(latestErrorRate);
    }

    /**
     * Records an error-rate reading.
     *
     * @param reading the reading
     */
    public void recordErrorRate(ErrorRateReading reading) {
        this.latestErrorRate = Objects.requireNonNull(reading, "reading");
    }

    /**
     * The latest error-rate reading of the stable revision (canary analysis), if one was taken.
     *
     * @return the latest error-rate reading of the stable revision (canary analysis), if one was taken
     */
    public Optional<ErrorRateReading> latestStableErrorRate() {
        return Optional.ofNullable(latestStableErrorRate);
    }

    /**
     * Records an error-rate reading of the stable revision.
     *
     * @param reading the reading
     */
    public void recordStableErrorRate(ErrorRateReading reading) {
        this.latestStableErrorRate = Objects.requireNonNull(reading, "reading");
    }

    /**
     * Alerts firing at the latest look, fired since this step started.
     *
     * @return the alerts firing at the latest look
     */
    public List<Alert> alerts() {
        return alerts;
    }

    /**
     * Records the alerts firing now.
     *
     * @param firing the alerts firing now
     */
    public void recordAlerts(List<Alert> firing) {
        this.alerts = List.copyOf(firing);
    }
}
