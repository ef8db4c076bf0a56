package io.releasepipeline.trigger;

import io.releasepipeline.spi.AlertSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rollback triggers watched during observation, and how often their signals are sampled. Immutable; the
 * defaults are the runbook's "Rollback Trigger Criteria". The fourth runbook trigger, "critical functionality
 * broken", is the manual one: {@code ReleasePipeline.requestRollback(reason)}, always armed.
 *
 * <pre>{@code
 * Triggers.runbookDefaults()
 * Triggers.builder().errorRateAbove(0.02, Duration.ofMinutes(5)).minimumRequests(500).build()
 * }</pre>
 */
public final class Triggers {

    /**
     * The smoke-check trigger's name, {@value}: the name in {@code release.yaml}'s {@code advisory} list, verdicts,
     * the evidence record, its timeline and backtests. Armed by default ({@link #DEFAULT_SMOKE_FAILING_FOR}).
     */
    public static final String SMOKE_CHECK = "smoke-check";
    /**
     * The health-endpoint trigger's name, {@value}, everywhere a trigger is named (see {@link #SMOKE_CHECK}). Armed by
     * default ({@link #DEFAULT_HEALTH_DOWN_FOR}).
     */
    public static final String HEALTH_ENDPOINT = "health-endpoint";
    /** The error-rate trigger's name, {@value}. Armed by default ({@link #DEFAULT_ERROR_RATE_THRESHOLD}). */
    public static final String ERROR_RATE = ErrorRateTrigger.NAME;
    /** The canary analysis trigger's name, {@value}. Armed by {@link Builder#canaryAnalysis(double)}. */
    public static final String CANARY_ANALYSIS = CanaryAnalysisTrigger.NAME;
    /** The alert trigger's name, {@value}. Armed by {@link Builder#onAlerts(AlertSource)}. */
    public static final String ALERT = AlertTrigger.NAME;
    /**
     * The manual trigger's name, {@value}: the verdict recorded when {@code ReleasePipeline.requestRollback(reason)}
     * stops a release. Always armed; it cannot be advisory.
     */
    public static final String MANUAL = "manual";
    /** Every built-in trigger's name, in the order {@link #all()} lists the armed ones, then {@link #MANUAL}. */
    public static final List<String> BUILT_IN = List.of(SMOKE_CHECK, HEALTH_ENDPOINT, ERROR_RATE, CANARY_ANALYSIS,
            ALERT, MANUAL);

    /**
     * The built-in trigger a name most likely meant, for an error message: the timeline's names of records written
     * before 0.1.0 ({@code health}, {@code smoke}), a plural ({@code alerts}), or a built-in name in another case or
     * with underscores ({@code ERROR_RATE}). Empty when the name is a built-in one or resembles none.
     *
     * @param name a trigger name as a user wrote it
     * @return the built-in name it probably means
     */
    public static Optional<String> likelyMeant(String name) {
        if (name == null || BUILT_IN.contains(name)) {
            return Optional.empty();
        }
        String n = name.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-').replace(' ', '-');
        return switch (n) {
            case "health", "healthcheck", "health-check", "probe" -> Optional.of(HEALTH_ENDPOINT);
            case "smoke", "smoke-test", "smoketest", "smokecheck" -> Optional.of(SMOKE_CHECK);
            case "alerts", "azure-alert", "azure-alerts" -> Optional.of(ALERT);
            case "errors", "error", "errorrate", "5xx" -> Optional.of(ERROR_RATE);
            case "canary" -> Optional.of(CANARY_ANALYSIS);
            default -> BUILT_IN.contains(n) ? Optional.of(n) : Optional.empty();
        };
    }

    /**
     * The hint to append to a message about an unknown trigger name.
     *
     * @param name a trigger name as a user wrote it
     * @return empty, or {@code ; did you mean "X"?} with the name {@link #likelyMeant(String)} finds
     */
    public static String didYouMean(String name) {
        return likelyMeant(name).map(m -> "; did you mean \"" + m + "\"?").orElse("");
    }

    /** "Smoke check failure: fails for > 2 minutes". */
    public static final Duration DEFAULT_SMOKE_FAILING_FOR = Duration.ofMinutes(2);
    /** "Health endpoint down: > 30 seconds continuous". */
    public static final Duration DEFAULT_HEALTH_DOWN_FOR = Duration.ofSeconds(30);
    /** "Elevated error rate: > 5% 5xx in 5 minutes". */
    public static final double DEFAULT_ERROR_RATE_THRESHOLD = 0.05;
    /** The error rate's trailing window. */
    public static final Duration DEFAULT_ERROR_RATE_WINDOW = Duration.ofMinutes(5);
    /** Fewer requests than this in the window is too little traffic to judge a 5% threshold. */
    public static final long DEFAULT_MINIMUM_REQUESTS = 100;
    /** Too little traffic keeps the step observed a while longer; see {@link NoDataPolicy#HOLD}. */
    public static final NoDataPolicy DEFAULT_NO_DATA_POLICY = NoDataPolicy.HOLD;
    /** A failed error-rate read holds the step for a good read, then rolls back; never promotes silently. */
    public static final ReadErrorPolicy DEFAULT_READ_ERROR_POLICY = ReadErrorPolicy.HOLD_THEN_ROLLBACK;
    /** How much longer a step is held for error-rate data: one more window. */
    public static final Duration DEFAULT_HOLD_LIMIT = DEFAULT_ERROR_RATE_WINDOW;
    /**
     * One health probe a second: the "down" estimate errs by at most one interval, so one second resolves the
     * runbook's 30 s threshold to the second (29 s of downtime never fires, 31 s always does).
     */
    public static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = Duration.ofSeconds(1);
    /** One smoke check every 15 s: a 2-minute failure is detected within 2m15s. */
    public static final Duration DEFAULT_SMOKE_INTERVAL = Duration.ofSeconds(15);
    /** Azure Monitor's metric grain is one minute; reading more often sees nothing new. */
    public static final Duration DEFAULT_ERROR_RATE_INTERVAL = Duration.ofMinutes(1);
    /** How often a polled alert source is read; alerts pushed into an {@link AlertInbox} are seen at once. */
    public static final Duration DEFAULT_ALERT_INTERVAL = Duration.ofSeconds(30);

    private final Duration smokeFailingFor;
    private final Duration healthDownFor;
    private final ErrorRateTrigger errorRate;
    private final List<RollbackTrigger> custom;
    private final Duration healthProbeInterval;
    private final Duration smokeInterval;
    private final Duration errorRateInterval;
    private final AlertSource alertSource;
    private final Duration alertInterval;
    private final Double canaryMaxIncrease;
    private final Set<String> advisory;
    private final ReadErrorPolicy onReadError;
    private final RecoveryPolicy recovery;

    private Triggers(Builder b) {
        this.recovery = b.recovery;
        this.onReadError = b.onReadError;
        this.smokeFailingFor = b.smokeFailingFor;
        this.healthDownFor = b.healthDownFor;
        this.errorRate = b.errorRateThreshold == null ? null
                : new ErrorRateTrigger(b.errorRateThreshold, b.errorRateWindow, b.minimumRequests, b.noDataPolicy,
                        b.holdLimit);
        this.custom = List.copyOf(b.custom);
        this.healthProbeInterval = b.healthProbeInterval;
        this.smokeInterval = b.smokeInterval;
        this.errorRateInterval = b.errorRateInterval;
        this.alertSource = b.alertSource;
        this.alertInterval = b.alertInterval;
        this.canaryMaxIncrease = b.canaryMaxIncrease;
        this.advisory = Set.copyOf(b.advisory);
    }

    /**
     * The runbook's three automatic triggers with its numbers.
     *
     * @return the runbook's three automatic triggers with its numbers
     */
    public static Triggers runbookDefaults() {
        return builder().build();
    }

    /**
     * A builder starting from the runbook's defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from {@code base}.
     *
     * @param base the settings to start from
     * @return a new builder
     */
    public static Builder from(Triggers base) {
        Builder b = new Builder();
        b.smokeFailingFor = base.smokeFailingFor;
        b.healthDownFor = base.healthDownFor;
        if (base.errorRate == null) {
            b.errorRateThreshold = null;
        } else {
            b.errorRateThreshold = base.errorRate.threshold();
            b.errorRateWindow = base.errorRate.window();
            b.minimumRequests = base.errorRate.minimumRequests();
            b.noDataPolicy = base.errorRate.noDataPolicy();
            b.holdLimit = base.errorRate.holdLimit();
        }
        b.custom.addAll(base.custom);
        b.healthProbeInterval = base.healthProbeInterval;
        b.smokeInterval = base.smokeInterval;
        b.errorRateInterval = base.errorRateInterval;
        b.alertSource = base.alertSource;
        b.alertInterval = base.alertInterval;
        b.canaryMaxIncrease = base.canaryMaxIncrease;
        b.advisory.addAll(base.advisory);
        b.onReadError = base.onReadError;
        b.recovery = base.recovery;
        return b;
    }

    /**
     * The smoke trigger's threshold, if armed.
     *
     * @return the smoke trigger's threshold, if armed
     */
    public Optional<Duration> smokeFailingFor() {
        return Optional.ofNullable(smokeFailingFor);
    }

    /**
     * The health trigger's threshold, if armed.
     *
     * @return the health trigger's threshold, if armed
     */
    public Optional<Duration> healthDownFor() {
        return Optional.ofNullable(healthDownFor);
    }

    /**
     * The error-rate trigger, if armed.
     *
     * @return the error-rate trigger, if armed
     */
    public Optional<ErrorRateTrigger> errorRate() {
        return Optional.ofNullable(errorRate);
    }

    /**
     * What a step does when its error-rate signal could not be read ({@link TriggerState#ERROR}) as its observation
     * ends. Default {@link #DEFAULT_READ_ERROR_POLICY}.
     *
     * @return what a step does when its error-rate signal could not be read ({@link TriggerState#ERROR}) as its
     *     observation ends
     */
    public ReadErrorPolicy onReadError() {
        return onReadError;
    }

    /**
     * How a rollback verifies that the error rate returned to baseline. Default {@link RecoveryPolicy#ofDefaults()};
     * it watches only while the error-rate trigger is armed.
     *
     * @return how a rollback verifies that the error rate returned to baseline
     */
    public RecoveryPolicy recovery() {
        return recovery;
    }

    /**
     * Custom triggers.
     *
     * @return the custom triggers
     */
    public List<RollbackTrigger> custom() {
        return custom;
    }

    /**
     * Interval between health probes.
     *
     * @return the interval between health probes
     */
    public Duration healthProbeInterval() {
        return healthProbeInterval;
    }

    /**
     * Interval between smoke checks during observation.
     *
     * @return the interval between smoke checks
     */
    public Duration smokeInterval() {
        return smokeInterval;
    }

    /**
     * Interval between error-rate readings.
     *
     * @return the interval between error-rate readings
     */
    public Duration errorRateInterval() {
        return errorRateInterval;
    }

    /**
     * The alert source, when the alert trigger is armed.
     *
     * @return the alert source, when the alert trigger is armed
     */
    public Optional<AlertSource> alertSource() {
        return Optional.ofNullable(alertSource);
    }

    /**
     * How often the alert source is polled.
     *
     * @return how often the alert source is polled
     */
    public Duration alertInterval() {
        return alertInterval;
    }

    /**
     * The canary analysis trigger, when armed.
     *
     * @return the canary analysis trigger, when armed
     */
    public Optional<CanaryAnalysisTrigger> canaryAnalysis() {
        return Optional.ofNullable(canaryMaxIncrease).map(max -> new CanaryAnalysisTrigger(max,
                errorRate != null ? errorRate.minimumRequests() : DEFAULT_MINIMUM_REQUESTS));
    }

    /**
     * The triggers in advisory mode: their firing is recorded (verdict, note, event) but does not roll back, so a
     * team can watch what a trigger would have done before enforcing it.
     *
     * @return the triggers in advisory mode: their firing is recorded (verdict, note, event) but does not roll back,
     *     so a team can watch what a trigger would have done before enforcing it
     */
    public Set<String> advisory() {
        return advisory;
    }

    /**
     * True when {@code trigger} is in advisory mode.
     *
     * @param trigger the trigger's name
     * @return true when {@code trigger} is in advisory mode
     */
    public boolean isAdvisory(String trigger) {
        return advisory.contains(trigger);
    }

    /**
     * Every armed trigger, built-in first.
     *
     * @return every armed trigger, built-in first
     */
    public List<RollbackTrigger> all() {
        List<RollbackTrigger> all = new ArrayList<>();
        if (smokeFailingFor != null) {
            all.add(new ContinuousFailureTrigger(SMOKE_CHECK, "smoke check", smokeFailingFor, Signal.SMOKE,
                    Observations::smoke));
        }
        if (healthDownFor != null) {
            all.add(new ContinuousFailureTrigger(HEALTH_ENDPOINT, "health endpoint", healthDownFor,
                    Signal.HEALTH, Observations::health));
        }
        if (errorRate != null) {
            all.add(errorRate);
        }
        canaryAnalysis().ifPresent(all::add);
        if (alertSource != null) {
            all.add(new AlertTrigger(alertSource));
        }
        all.addAll(custom);
        return List.copyOf(all);
    }

    /**
     * Every problem with these settings, each as {@code path: problem}; empty when valid.
     *
     * @param path the key problems are reported under
     * @return every problem with these settings, each as {@code path: problem}; empty when valid
     */
    public List<String> problems(String path) {
        List<String> p = new ArrayList<>();
        positive(p, path + ".smokeFailingFor", smokeFailingFor);
        positive(p, path + ".healthDownFor", healthDownFor);
        positive(p, path + ".healthProbeInterval", healthProbeInterval);
        positive(p, path + ".smokeInterval", smokeInterval);
        positive(p, path + ".errorRateInterval", errorRateInterval);
        positive(p, path + ".alertInterval", alertInterval);
        if (canaryMaxIncrease != null && !(canaryMaxIncrease >= 0 && canaryMaxIncrease < 1)) {
            p.add(path + ".canaryAnalysis.maxIncrease: must be at least 0 and under 1 (a fraction: 0.01 is one "
                    + "percentage point), got " + canaryMaxIncrease);
        }
        List<String> names = all().stream().map(RollbackTrigger::name).toList();
        for (String a : new java.util.TreeSet<>(advisory)) {
            if (!names.contains(a)) {
                p.add(path + ".advisory: \"" + a + "\" is not an armed trigger" + didYouMean(a) + "; armed: " + names);
            }
        }
        if (errorRate != null) {
            if (!(errorRate.threshold() > 0 && errorRate.threshold() < 1)) {
                p.add(path + ".errorRate.threshold: must be between 0 and 1 (a fraction: 0.05 is 5%), got "
                        + errorRate.threshold());
            }
            positive(p, path + ".errorRate.window", errorRate.window());
            if (errorRate.minimumRequests() < 1) {
                p.add(path + ".errorRate.minimumRequests: must be at least 1, got " + errorRate.minimumRequests());
            }
            if (errorRate.holdLimit() == null || errorRate.holdLimit().isNegative()) {
                p.add(path + ".errorRate.holdLimit: must be zero or positive, got " + errorRate.holdLimit());
            }
            if (errorRate.noDataPolicy() == null) {
                p.add(path + ".errorRate.noDataPolicy: must be one of HOLD, FAIL, IGNORE");
            }
        }
        if (recovery != null) {
            p.addAll(recovery.problems(path + ".recovery"));
        }
        if (onReadError == null) {
            p.add(path + ".onReadError: must be one of HOLD_THEN_ROLLBACK, ROLLBACK, PROMOTE_WITH_NOTE");
        }
        return p;
    }

    private static void positive(List<String> p, String path, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            p.add(path + ": must be positive, got " + d);
        }
    }

    @Override
    public String toString() {
        return "Triggers" + all().stream().map(RollbackTrigger::name).toList();
    }

    /** Builds {@link Triggers}; starts from the runbook's defaults. Not thread-safe. */
    public static final class Builder {
        private Duration smokeFailingFor = DEFAULT_SMOKE_FAILING_FOR;
        private Duration healthDownFor = DEFAULT_HEALTH_DOWN_FOR;
        private Double errorRateThreshold = DEFAULT_ERROR_RATE_THRESHOLD;
        private Duration errorRateWindow = DEFAULT_ERROR_RATE_WINDOW;
        private long minimumRequests = DEFAULT_MINIMUM_REQUESTS;
        private NoDataPolicy noDataPolicy = DEFAULT_NO_DATA_POLICY;
        private Duration holdLimit = DEFAULT_HOLD_LIMIT;
        private ReadErrorPolicy onReadError = DEFAULT_READ_ERROR_POLICY;
        private RecoveryPolicy recovery = RecoveryPolicy.ofDefaults();
        private final List<RollbackTrigger> custom = new ArrayList<>();
        private Duration healthProbeInterval = DEFAULT_HEALTH_PROBE_INTERVAL;
        private Duration smokeInterval = DEFAULT_SMOKE_INTERVAL;
        private Duration errorRateInterval = DEFAULT_ERROR_RATE_INTERVAL;
        private AlertSource alertSource;
        private Duration alertInterval = DEFAULT_ALERT_INTERVAL;
        private Double canaryMaxIncrease;
        private final Set<String> advisory = new java.util.HashSet<>();

        private Builder() {
        }

        /**
         * Roll back when an alert from {@code source} fires during observation.
         *
         * @param source where alerts come from
         * @return this builder
         */
        public Builder onAlerts(AlertSource source) {
            this.alertSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * How often the alert source is polled.
         *
         * @param interval how often the alert source is polled
         * @return this builder
         */
        public Builder alertInterval(Duration interval) {
            this.alertInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Canary analysis: while traffic is split, roll back when the new revision's 5xx rate exceeds the stable
         * revision's by more than {@code maxIncrease} (0.01 = one percentage point).
         *
         * @param maxIncrease the largest allowed increase, as a fraction
         * @return this builder
         */
        public Builder canaryAnalysis(double maxIncrease) {
            this.canaryMaxIncrease = maxIncrease;
            return this;
        }

        /**
         * Puts triggers in advisory mode by name ({@link Triggers#CANARY_ANALYSIS}, a custom trigger's name...):
         * recorded, not enforced. {@code build()} of the pipeline refuses a name that is not armed.
         *
         * @param triggers the triggers' names
         * @return this builder
         */
        public Builder advisory(String... triggers) {
            advisory.addAll(List.of(triggers));
            return this;
        }

        /**
         * Roll back when the smoke check fails for longer than {@code threshold}.
         *
         * @param threshold how long the smoke check may fail
         * @return this builder
         */
        public Builder smokeFailingFor(Duration threshold) {
            this.smokeFailingFor = Objects.requireNonNull(threshold, "threshold");
            return this;
        }

        /**
         * Disarms the smoke trigger (the post-shift smoke check still has to pass).
         *
         * @return this builder
         */
        public Builder withoutSmokeTrigger() {
            this.smokeFailingFor = null;
            return this;
        }

        /**
         * Roll back when the health endpoint is down for longer than {@code threshold}.
         *
         * @param threshold how long the health endpoint may be down
         * @return this builder
         */
        public Builder healthDownFor(Duration threshold) {
            this.healthDownFor = Objects.requireNonNull(threshold, "threshold");
            return this;
        }

        /**
         * Disarms the health trigger.
         *
         * @return this builder
         */
        public Builder withoutHealthTrigger() {
            this.healthDownFor = null;
            return this;
        }

        /**
         * Roll back when the 5xx fraction over {@code window} exceeds {@code threshold} (0.05 = 5%).
         *
         * @param threshold the largest allowed 5xx fraction
         * @param window the window the fraction is measured over
         * @return this builder
         */
        public Builder errorRateAbove(double threshold, Duration window) {
            this.errorRateThreshold = threshold;
            this.errorRateWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * Fewer requests than this in the window is no data.
         *
         * @param minimumRequests the fewest requests worth judging
         * @return this builder
         */
        public Builder minimumRequests(long minimumRequests) {
            this.minimumRequests = minimumRequests;
            return this;
        }

        /**
         * What no data means when a step's observation ends.
         *
         * @param policy what no data means when a step's observation ends
         * @return this builder
         */
        public Builder noDataPolicy(NoDataPolicy policy) {
            this.noDataPolicy = policy;
            return this;
        }

        /**
         * How much longer a step is observed for data under {@link NoDataPolicy#HOLD}.
         *
         * @param holdLimit how much longer a step is observed for data under {@link NoDataPolicy#HOLD}
         * @return this builder
         */
        public Builder holdLimit(Duration holdLimit) {
            this.holdLimit = holdLimit;
            return this;
        }

        /**
         * What a step does when its error-rate signal (error-rate trigger or canary analysis) could not be read as
         * its observation ends: hold for a good read then roll back (the default), roll back, or go on with a note.
         * The hold lasts the error-rate trigger's {@link #holdLimit}.
         *
         * @param policy what a step does when its error-rate signal (error-rate trigger or canary analysis) could not
         *     be read as its observation ends: hold for a good read then roll back (the default), roll back, or go on
         *     with a note
         * @return this builder
         */
        public Builder onReadError(ReadErrorPolicy policy) {
            this.onReadError = policy;
            return this;
        }

        /**
         * After a rollback, watch the revision traffic went back to until its 5xx rate is within {@code tolerance}
         * (an absolute fraction: 0.01 is one percentage point) of the baseline, or {@code timeout} passes (then the
         * outcome is {@code ROLLED_BACK_NOT_RECOVERED}). Defaults {@link RecoveryPolicy#DEFAULT_TOLERANCE} and
         * {@link RecoveryPolicy#DEFAULT_TIMEOUT}; validated by the pipeline's {@code build()}.
         *
         * @param tolerance how far above the baseline counts as recovered, as a fraction
         * @param timeout how long to watch
         * @return this builder
         */
        public Builder recovery(double tolerance, Duration timeout) {
            this.recovery = new RecoveryPolicy(true, tolerance, Objects.requireNonNull(timeout, "timeout"));
            return this;
        }

        /**
         * No recovery watch after a rollback: it is verified by its smoke check alone, and the record says so.
         *
         * @return this builder
         */
        public Builder withoutRecoveryWatch() {
            this.recovery = new RecoveryPolicy(false, recovery.tolerance(), recovery.timeout());
            return this;
        }

        /**
         * Disarms the error-rate trigger.
         *
         * @return this builder
         */
        public Builder withoutErrorRateTrigger() {
            this.errorRateThreshold = null;
            return this;
        }

        /**
         * Adds a custom trigger.
         *
         * @param trigger the trigger
         * @return this builder
         */
        public Builder add(RollbackTrigger trigger) {
            custom.add(Objects.requireNonNull(trigger, "trigger"));
            return this;
        }

        /**
         * Interval between health probes.
         *
         * @param interval the interval, positive
         * @return this builder
         */
        public Builder healthProbeInterval(Duration interval) {
            this.healthProbeInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Interval between smoke checks during observation.
         *
         * @param interval the interval, positive
         * @return this builder
         */
        public Builder smokeInterval(Duration interval) {
            this.smokeInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Interval between error-rate readings.
         *
         * @param interval the interval, positive
         * @return this builder
         */
        public Builder errorRateInterval(Duration interval) {
            this.errorRateInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Builds; the pipeline's {@code build()} validates.
         *
         * @return a new {@code Triggers} with this builder's settings
         */
        public Triggers build() {
            return new Triggers(this);
        }
    }
}
