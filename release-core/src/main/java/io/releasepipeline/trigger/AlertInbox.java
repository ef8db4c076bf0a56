package io.releasepipeline.trigger;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.spi.Alert;
import io.releasepipeline.spi.AlertSource;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts pushed to the pipeline (by a monitoring webhook) rather than polled: {@link #fired} records an alert and
 * wakes the observing release at once, {@link #resolved} clears it. Hand it to
 * {@code Triggers.builder().onAlerts(inbox)}.
 *
 * <p>What a webhook may push is bounded, so that a wrong or hostile sender cannot block releases for long:
 * <ul>
 *   <li><b>Time bounds.</b> An alert that fired, or resolved, more than {@link Builder#maxClockSkew(Duration) the
 *       clock skew} (default {@link #DEFAULT_MAX_CLOCK_SKEW}) after now, or longer ago than
 *       {@link Builder#maxAge(Duration) the maximum age} (default {@link #DEFAULT_MAX_AGE}), is
 *       {@link Outcome#REJECTED rejected}: an alert "fired in 2099" never fires.</li>
 *   <li><b>Expiry.</b> A firing alert is dropped once it fired longer ago than the maximum age, even if no
 *       {@code Resolved} ever comes; a resolved one is remembered for the maximum age after it resolved.</li>
 *   <li><b>Cap.</b> At most {@link Builder#maxEntries(int) maxEntries} alerts (default {@link #DEFAULT_MAX_ENTRIES}),
 *       firing and remembered-resolved together. When full, the oldest resolved entry makes room, or else the
 *       oldest firing one; the first eviction is logged (a warning), later ones are counted in
 *       {@link #evictions()}.</li>
 *   <li><b>Out-of-order delivery.</b> A resolved alert id is remembered, so a {@code Fired} for it that fired at
 *       or before it resolved (a late or repeated delivery) is {@link Outcome#IGNORED ignored} instead of firing it
 *       again; a {@code Fired} that fired after it resolved fires (the same alert again). A resolve of an id that
 *       is not firing changes nothing that fires, but is remembered the same way, so a {@code Fired} overtaken by
 *       its {@code Resolved} does not fire either.</li>
 * </ul>
 *
 * <p>Thread-safe: a webhook may deliver from several threads while a release reads.
 */
public final class AlertInbox implements AlertSource, ClockAware {

    /** How many alerts the inbox holds by default, firing and remembered-resolved together. */
    public static final int DEFAULT_MAX_ENTRIES = 1_000;
    /** How long an unresolved alert fires, and a resolved one is remembered, by default. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
    /** How far in the future an alert's times may be by default (the sender's clock may be a little ahead). */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(AlertInbox.class);

    private final ReleaseClock clock;
    private final int maxEntries;
    private final Duration maxAge;
    private final Duration maxClockSkew;
    /** Guarded by itself. Insertion order is age order: an update moves an entry to the end. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long evictions;

    /**
     * An empty inbox with the defaults that wakes {@code clock} when an alert arrives.
     *
     * @param clock the release's clock
     * @throws NullPointerException if {@code clock} is null
     */
    public AlertInbox(ReleaseClock clock) {
        this(builder(clock));
    }

    private AlertInbox(Builder b) {
        this.clock = b.clock;
        this.maxEntries = b.maxEntries;
        this.maxAge = b.maxAge;
        this.maxClockSkew = b.maxClockSkew;
    }

    /**
     * A builder for an inbox on {@code clock} (the release's clock: alert times are judged against it).
     *
     * @param clock the release's clock
     * @return a new builder
     * @throws NullPointerException if {@code clock} is null
     */
    public static Builder builder(ReleaseClock clock) {
        return new Builder(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The clock this inbox judges alert times against and wakes; {@code build()} requires it to be the pipeline's
     * very clock.
     *
     * @return the clock given at construction
     */
    @Override
    public ReleaseClock clock() {
        return clock;
    }

    /**
     * True: an alert that arrives wakes the clock so the waiting release reacts at once.
     *
     * @return true
     */
    @Override
    public boolean wakesClock() {
        return true;
    }

    /** What became of an alert handed to the inbox. */
    public enum Outcome {
        /** The alert is firing now (it was new, or replaced the same id's firing alert). */
        FIRING,
        /** The alert that was firing under this id is resolved. */
        RESOLVED,
        /** Nothing that fires changed: a late {@code Fired} for a resolved id, or a resolve of an id not firing. */
        IGNORED,
        /** The alert's time is outside the bounds; the inbox did not change. */
        REJECTED
    }

    /**
     * What became of an alert, and why, for a webhook's answer or a log line.
     *
     * @param outcome what happened
     * @param message why, in a sentence; names times and bounds, never the alert's text
     */
    public record Receipt(Outcome outcome, String message) {

        /**
         * Validates.
         *
         * @param outcome what happened
         * @param message why, in a sentence; names times and bounds, never the alert's text
         */
        public Receipt {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(message, "message");
        }
    }

    @Override
    public String providerName() {
        return "alert-inbox";
    }

    /**
     * Records a firing alert (the same id again replaces it) and wakes the release, unless its time is out of
     * bounds or the id resolved at or after it fired (see the class description).
     *
     * @param alert the alert
     * @return {@link Outcome#FIRING}, {@link Outcome#IGNORED} or {@link Outcome#REJECTED}, with why
     */
    public Receipt fired(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        Receipt receipt;
        synchronized (entries) {
            Instant now = clock.now();
            expire(now);
            Optional<String> outOfBounds = outOfBounds("fired", alert.firedAt(), now);
            Entry known = entries.get(alert.id());
            if (outOfBounds.isPresent()) {
                receipt = new Receipt(Outcome.REJECTED, outOfBounds.get());
            } else if (known != null && known.resolvedAt().isPresent()
                    && !alert.firedAt().isAfter(known.resolvedAt().get())) {
                receipt = new Receipt(Outcome.IGNORED, "already resolved at " + known.resolvedAt().get()
                        + ", and this alert fired at " + alert.firedAt() + ", before that: a late delivery");
            } else {
                put(alert.id(), new Entry(Optional.of(alert), alert.firedAt(), Optional.empty()));
                receipt = new Receipt(Outcome.FIRING, "firing since " + alert.firedAt());
            }
        }
        if (receipt.outcome() == Outcome.FIRING) {
            clock.wakeUp();
        }
        return receipt;
    }

    /**
     * Clears a resolved alert as of now: whatever fires under {@code alertId} stops firing.
     *
     * @param alertId the alert's id
     * @return {@link Outcome#RESOLVED}, or {@link Outcome#IGNORED} if nothing fired under that id
     */
    public Receipt resolved(String alertId) {
        Objects.requireNonNull(alertId, "alertId");
        synchronized (entries) {
            Instant now = clock.now();
            expire(now);
            Entry known = entries.get(alertId);
            Instant at = known != null && known.firedAt().isAfter(now) ? known.firedAt() : now;
            return resolve(alertId, known, at);
        }
    }

    /**
     * Clears an alert that resolved at {@code resolvedAt}: the alert firing under {@code alertId} stops firing,
     * unless it fired after {@code resolvedAt} (then this is an earlier firing's late resolve).
     *
     * @param alertId the alert's id
     * @param resolvedAt when it resolved
     * @return {@link Outcome#RESOLVED}, {@link Outcome#IGNORED} (nothing firing under that id, or firing since
     *     after {@code resolvedAt}) or {@link Outcome#REJECTED} (the time is out of bounds), with why
     */
    public Receipt resolved(String alertId, Instant resolvedAt) {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
        synchronized (entries) {
            Instant now = clock.now();
            expire(now);
            Optional<String> outOfBounds = outOfBounds("resolved", resolvedAt, now);
            if (outOfBounds.isPresent()) {
                return new Receipt(Outcome.REJECTED, outOfBounds.get());
            }
            Entry known = entries.get(alertId);
            if (known != null && known.firing() && known.firedAt().isAfter(resolvedAt)) {
                return new Receipt(Outcome.IGNORED, "firing again since " + known.firedAt() + ", after this resolve "
                        + "at " + resolvedAt + ": a late delivery");
            }
            return resolve(alertId, known, resolvedAt);
        }
    }

    private Receipt resolve(String alertId, Entry known, Instant at) {
        if (known != null && known.resolvedAt().isPresent()) {
            if (at.isAfter(known.resolvedAt().get())) {
                put(alertId, new Entry(Optional.empty(), known.firedAt(), Optional.of(at)));
            }
            return new Receipt(Outcome.IGNORED, "already resolved at " + known.resolvedAt().get());
        }
        put(alertId, new Entry(Optional.empty(), known == null ? at : known.firedAt(), Optional.of(at)));
        return known == null
                ? new Receipt(Outcome.IGNORED, "not firing here; remembered as resolved at " + at)
                : new Receipt(Outcome.RESOLVED, "resolved at " + at);
    }

    @Override
    public List<Alert> firing(Instant since) {
        List<Alert> result = new ArrayList<>();
        synchronized (entries) {
            expire(clock.now());
            for (Entry e : entries.values()) {
                if (e.firing() && !e.firedAt().isBefore(since)) {
                    result.add(e.alert().get());
                }
            }
        }
        return result;
    }

    /**
     * How many alerts the inbox holds now, firing and remembered-resolved, after expiring old ones.
     *
     * @return how many alerts the inbox holds now, firing and remembered-resolved, after expiring old ones
     */
    public int size() {
        synchronized (entries) {
            expire(clock.now());
            return entries.size();
        }
    }

    /**
     * How many entries were evicted to keep within the cap since the inbox was made.
     *
     * @return how many entries were evicted to keep within the cap since the inbox was made
     */
    public long evictions() {
        synchronized (entries) {
            return evictions;
        }
    }

    private Optional<String> outOfBounds(String what, Instant at, Instant now) {
        if (at.isAfter(now.plus(maxClockSkew))) {
            return Optional.of(what + " at " + at + ", more than " + describe(maxClockSkew) + " after now (" + now
                    + "): a time in the future is refused (AlertInbox.builder(clock).maxClockSkew(...))");
        }
        if (at.isBefore(now.minus(maxAge))) {
            return Optional.of(what + " at " + at + ", more than " + describe(maxAge) + " before now (" + now
                    + "): older alerts are not kept (AlertInbox.builder(clock).maxAge(...))");
        }
        return Optional.empty();
    }

    private void put(String id, Entry entry) {
        entries.remove(id);
        entries.put(id, entry);
        while (entries.size() > maxEntries) {
            evictOldest();
        }
    }

    private void evictOldest() {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            if (!it.next().firing()) {
                it.remove();
                evicted();
                return;
            }
        }
        Iterator<Entry> oldest = entries.values().iterator();
        oldest.next();
        oldest.remove();
        evicted();
    }

    private void evicted() {
        if (evictions++ == 0) {
            LOG.warn("AlertInbox is full ({} alerts): evicting the oldest to make room (resolved ones first); this is "
                    + "logged once, see evictions(). A flood of distinct alert ids? Raise "
                    + "AlertInbox.builder(clock).maxEntries(...) if that many alerts are real", maxEntries);
        }
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(maxAge);
        entries.values().removeIf(e -> e.resolvedAt().orElse(e.firedAt()).isBefore(cutoff));
    }

    private static String describe(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** The bounds; never an alert. */
    @Override
    public String toString() {
        return "AlertInbox[maxEntries=" + maxEntries + ", maxAge=" + describe(maxAge) + ", maxClockSkew="
                + describe(maxClockSkew) + "]";
    }

    /** An alert id's state: firing (with the alert) or resolved (remembered for out-of-order deliveries). */
    private record Entry(Optional<Alert> alert, Instant firedAt, Optional<Instant> resolvedAt) {

        boolean firing() {
            return resolvedAt.isEmpty();
        }
    }

    /**
     * Builds an {@link AlertInbox}. Setter order does not matter; {@link #build()} validates everything at once. Not
     * thread-safe.
     */
    public static final class Builder {

        private final ReleaseClock clock;
        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;

        private Builder(ReleaseClock clock) {
            this.clock = clock;
        }

        /**
         * The most alerts held, firing and remembered-resolved together. Default: {@link #DEFAULT_MAX_ENTRIES}.
         *
         * @param maxEntries the most alerts held, firing and remembered-resolved together
         * @return this builder
         */
        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * How long an unresolved alert fires and a resolved one is remembered; also the oldest time an arriving
         * alert may carry. Must be longer than a release's observation. Default: {@link #DEFAULT_MAX_AGE}.
         *
         * @param maxAge how long an unresolved alert fires and a resolved one is remembered; also the oldest time an
         *     arriving alert may carry
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /**
         * How far after now an alert's times may be. Default: {@link #DEFAULT_MAX_CLOCK_SKEW}.
         *
         * @param maxClockSkew how far after now an alert's times may be
         * @return this builder
         */
        public Builder maxClockSkew(Duration maxClockSkew) {
            this.maxClockSkew = maxClockSkew;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code AlertInbox} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public AlertInbox build() {
            List<String> problems = new ArrayList<>();
            if (maxEntries < 1) {
                problems.add("maxEntries: must be at least 1, got " + maxEntries);
            }
            if (maxAge == null || maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
                problems.add("maxAge: must be at least 1 minute (longer than a release's observation), got "
                        + maxAge);
            }
            if (maxClockSkew == null || maxClockSkew.isNegative()) {
                problems.add("maxClockSkew: must be zero or positive, got " + maxClockSkew);
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("AlertInbox", problems);
            }
            return new AlertInbox(this);
        }
    }
}
