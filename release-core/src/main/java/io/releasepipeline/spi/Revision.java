package io.releasepipeline.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One revision of the app as the platform reports it.
 *
 * @param name the revision's name, unique within the app
 * @param createdAt when the platform created it
 * @param active whether it is active (can receive traffic)
 * @param trafficWeight the percentage of traffic it receives, 0..100
 * @param health the platform's health verdict
 * @param provisioning the provisioning state
 * @param running the running state
 * @param image the container image, when the platform reports it
 * @param url the revision's own URL (e.g. its FQDN), for smoke checks aimed at this revision alone
 */
public record Revision(String name, Instant createdAt, boolean active, int trafficWeight, Health health,
        Provisioning provisioning, Running running, Optional<String> image, Optional<String> url) {

    /** The platform's health verdict on a revision. {@code NONE} means the platform has none to give. */
    public enum Health {
        /** The platform judges it healthy. */
        HEALTHY,
        /** The platform judges it unhealthy. */
        UNHEALTHY,
        /** The platform gives no verdict. */
        NONE
    }

    /** Provisioning states, as in Azure Container Apps. {@code UNKNOWN} when the platform does not say. */
    public enum Provisioning {
        /** Being created. */
        PROVISIONING,
        /** Created. */
        PROVISIONED,
        /** Creation failed. */
        FAILED,
        /** Being removed. */
        DEPROVISIONING,
        /** Removed. */
        DEPROVISIONED,
        /** The platform does not say. */
        UNKNOWN
    }

    /** Running states, as in Azure Container Apps. {@code UNKNOWN} when the platform does not say. */
    public enum Running {
        /** Running. */
        RUNNING,
        /** Starting or changing. */
        PROCESSING,
        /** Stopped. */
        STOPPED,
        /** Running with some replicas failing. */
        DEGRADED,
        /** Not running because it failed. */
        FAILED,
        /** The platform does not say. */
        UNKNOWN
    }

    /**
     * Validates and normalizes; never null fields.
     *
     * @param name the revision's name, unique within the app
     * @param createdAt when the platform created it
     * @param active whether it is active (can receive traffic)
     * @param trafficWeight the percentage of traffic it receives, 0..100
     * @param health the platform's health verdict
     * @param provisioning the provisioning state
     * @param running the running state
     * @param image the container image, when the platform reports it
     * @param url the revision's own URL (e.g. its FQDN), for smoke checks aimed at this revision alone
     */
    public Revision {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        health = health == null ? Health.NONE : health;
        provisioning = provisioning == null ? Provisioning.UNKNOWN : provisioning;
        running = running == null ? Running.UNKNOWN : running;
        image = image == null ? Optional.empty() : image;
        url = url == null ? Optional.empty() : url;
        if (trafficWeight < 0 || trafficWeight > 100) {
            throw new IllegalArgumentException("traffic weight of " + name + " must be 0..100, got " + trafficWeight);
        }
    }

    /**
     * True when the revision can serve: active, provisioned (or not reported), running (or not reported), and not
     * reported unhealthy. Platforms that leave the fields out (the public Revisions_List example does) are judged
     * on what they do report.
     *
     * @return true when the revision can serve: active, provisioned (or not reported), running (or not reported), and
     *     not reported unhealthy
     */
    public boolean isReady() {
        return active
                && (provisioning == Provisioning.PROVISIONED || provisioning == Provisioning.UNKNOWN)
                && (running == Running.RUNNING || running == Running.UNKNOWN)
                && health != Health.UNHEALTHY;
    }

    /**
     * True when the platform reports that this revision will never become ready without a new deployment.
     *
     * @return true when the platform reports that this revision will never become ready without a new deployment
     */
    public boolean hasFailed() {
        return provisioning == Provisioning.FAILED || running == Running.FAILED;
    }

    /**
     * A copy with another activity flag and weight, for fakes and local platforms.
     *
     * @param active whether it is active (can receive traffic)
     * @param weight its traffic weight, in percent
     * @return a copy with another activity flag and weight, for fakes and local platforms
     */
    public Revision withTraffic(boolean active, int weight) {
        return new Revision(name, createdAt, active, weight, health, provisioning, running, image, url);
    }
}
