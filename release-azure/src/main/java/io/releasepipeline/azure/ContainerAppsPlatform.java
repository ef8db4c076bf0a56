package io.releasepipeline.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.polling.PollResult;
import com.azure.core.management.serializer.SerializerFactory;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.core.util.serializer.SerializerAdapter;
import com.azure.core.util.serializer.SerializerEncoding;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.azure.resourcemanager.appcontainers.fluent.ContainerAppsClient;
import com.azure.resourcemanager.appcontainers.fluent.ContainerAppsRevisionsClient;
import com.azure.resourcemanager.appcontainers.fluent.models.ContainerAppInner;
import com.azure.resourcemanager.appcontainers.fluent.models.RevisionInner;
import com.azure.resourcemanager.appcontainers.models.ActiveRevisionsMode;
import com.azure.resourcemanager.appcontainers.models.Configuration;
import com.azure.resourcemanager.appcontainers.models.Ingress;
import com.azure.resourcemanager.appcontainers.models.TrafficWeight;
import io.releasepipeline.azure.internal.ArmSettings;
import io.releasepipeline.azure.internal.AzureErrors;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ReleaseInterruptedException;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.spi.AppTraffic;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.spi.Revision;
import io.releasepipeline.spi.RevisionMode;
import io.releasepipeline.spi.TrafficLabel;
import io.releasepipeline.spi.TrafficWeights;
import java.io.IOException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Azure Container Apps app as the release platform: its revisions, its revision mode and its traffic split,
 * through Azure Resource Manager (api-version 2025-01-01, via {@code azure-resourcemanager-appcontainers}).
 *
 * <p>Traffic changes are minimal PATCHes of {@code properties.configuration.ingress.traffic} only, as the
 * {@code az} CLI sends them, never a whole-model update (which would send the app's secrets back and be refused).
 * Long-running answers (202 with {@code Azure-AsyncOperation} or {@code Location}) are polled to completion; a
 * failed operation surfaces with the service's error code and message. A change is confirmed by the service's own
 * answer (the 200 body, or the operation ending Succeeded), never by an extra GET: {@link #setTraffic} returns it,
 * and given the traffic the caller last saw ({@link #setTraffic(TrafficWeights, AppTraffic)}) the PATCH is the only
 * request before its polls.
 *
 * <p>Retries happen in the Azure SDK alone (429 and 5xx, honouring {@code Retry-After}; other 4xx never), so
 * {@link #retriesOwnCalls()} is true and the engine adds no second layer. Polling of long-running operations
 * waits in real time inside the SDK.
 *
 * <p>Deadlines: every call, a write's long-running operation and its polls included, has an overall deadline,
 * {@link Builder#operationTimeout(Duration)} (default {@link #DEFAULT_OPERATION_TIMEOUT}). A call past it is
 * cancelled (its HTTP exchange and polling stop) and fails with a transient {@link AzureProviderException}, error
 * code {@value #OPERATION_TIMEOUT_CODE}, saying that the operation's outcome is unknown: the change may still
 * complete at Azure, so read the state back ({@link #traffic()}, {@link #revision(String)}) before acting on it. The
 * wait is interruptible: interrupting the calling thread cancels the call at once and throws
 * {@link ReleaseInterruptedException} with the thread's interrupt flag set again; the outcome is unknown in the
 * same way. (The SDK's calls run on a worker thread of this provider, so a caller's deadline or interrupt never
 * depends on the SDK noticing it.)
 *
 * <p>Revision modes: weights can only be split in {@code Multiple} mode. In {@code Single} mode,
 * {@link #setTraffic(TrafficWeights)} succeeds when the split asked for is already in place, and otherwise fails
 * with an explanation, unless the builder's {@link Builder#switchToMultipleRevisionMode(boolean)} allows switching
 * the app to Multiple mode first (logged at WARN). {@link #ensureMultipleRevisionMode()} switches explicitly.
 *
 * <p>Thread-safe: immutable after {@link Builder#build()}; the SDK clients are thread-safe. Every failure is an
 * {@link AzureProviderException}. No credential ever appears in a log line, a message or {@link #toString()}.
 */
public final class ContainerAppsPlatform implements PlatformProvider {

    /** This provider's name in logs, events and evidence. */
    public static final String PROVIDER_NAME = "azure-container-apps";
    /** How often a long-running operation is polled when the service sends no {@code Retry-After}: 2 s. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** Retries after a failed attempt (429, 5xx, I/O) by default, as the Azure SDK: 3. */
    public static final int DEFAULT_MAX_RETRIES = ArmSettings.DEFAULT_MAX_RETRIES;
    /** First retry delay when the service sends no {@code Retry-After}, as the Azure SDK: 800 ms. */
    public static final Duration DEFAULT_RETRY_BASE_DELAY = ArmSettings.DEFAULT_RETRY_BASE_DELAY;
    /** Longest computed retry delay, as the Azure SDK: 8 s. A {@code Retry-After} is honoured as sent. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = ArmSettings.DEFAULT_RETRY_MAX_DELAY;

    /**
     * Three minutes: the overall deadline of one call, retries, a long-running operation and its polls included.
     * Traffic changes usually finish in seconds; one that takes longer than this is reported as of unknown outcome.
     */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMinutes(3);
    /** The {@link AzureProviderException#errorCode()} of a call that passed {@link Builder#operationTimeout}. */
    public static final String OPERATION_TIMEOUT_CODE = "OperationTimeout";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerAppsPlatform.class);
    private static final SerializerAdapter SERIALIZER = SerializerFactory.createDefaultManagementSerializerAdapter();
    private static final AtomicInteger WORKERS = new AtomicInteger();

    private final ArmSettings settings;
    private final boolean switchToMultipleRevisionMode;
    private final Duration operationTimeout;
    private final ContainerAppsClient apps;
    private final ContainerAppsRevisionsClient revisions;
    /** Runs the SDK's blocking calls, so the caller can wait with a deadline and stop waiting on an interrupt. */
    private final ExecutorService calls = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "azure-container-apps-call-" + WORKERS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ContainerAppsPlatform(ArmSettings settings, Duration pollInterval, boolean switchToMultipleRevisionMode,
            Duration operationTimeout) {
        this.settings = settings;
        this.switchToMultipleRevisionMode = switchToMultipleRevisionMode;
        this.operationTimeout = operationTimeout;
        ContainerAppsApiManager.Configurable configurable = ContainerAppsApiManager.configure()
                .withRetryOptions(settings.retryOptions())
                .withDefaultPollInterval(pollInterval);
        // The SDK refuses a null client; without one it uses its default (Netty), which is what users run.
        if (settings.httpClient() != null) {
            configurable.withHttpClient(settings.httpClient());
        }
        ContainerAppsApiManager manager = configurable.authenticate(settings.resolveCredential(), settings.profile());
        this.apps = manager.serviceClient().getContainerApps();
        this.revisions = manager.serviceClient().getContainerAppsRevisions();
    }

    /**
     * A new builder. Not thread-safe; build once and share the provider.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /** True: the Azure SDK retries 429, 5xx and I/O failures itself, so the engine must not add a layer. */
    @Override
    public boolean retriesOwnCalls() {
        return true;
    }

    @Override
    public String appName() {
        return settings.appName();
    }

    /** {@inheritDoc} One GET per page ({@code nextLink} followed). */
    @Override
    public List<Revision> listRevisions() {
        return call("listRevisions", () -> {
            List<Revision> all = new ArrayList<>();
            revisions.listRevisions(settings.resourceGroup(), settings.appName(), null, Context.NONE)
                    .forEach(r -> all.add(toRevision(r)));
            return all;
        });
    }

    /** {@inheritDoc} One GET; a 404 is an empty answer. */
    @Override
    public Optional<Revision> revision(String name) {
        return call("revision(" + name + ")", () -> {
            try {
                return Optional.of(toRevision(revisions.getRevisionWithResponse(settings.resourceGroup(),
                        settings.appName(), name, Context.NONE).getValue()));
            } catch (HttpResponseException e) {
                if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * {@inheritDoc} One GET of the app. A {@code latestRevision: true} entry is resolved to the latest ready
     * revision (the latest revision when none is ready yet); no traffic list at all means the latest revision has
     * it all, as on the platform. An absent {@code activeRevisionsMode} means Single.
     */
    @Override
    public AppTraffic traffic() {
        return call("traffic", () -> toAppTraffic(getApp()));
    }

    /** {@inheritDoc} One POST {@code .../revisions/{name}/activate}. */
    @Override
    public void activate(String revision) {
        call("activate(" + revision + ")", () -> {
            revisions.activateRevisionWithResponse(settings.resourceGroup(), settings.appName(), revision,
                    Context.NONE);
            LOG.info("Activated revision {} of {}", SafeText.line(revision), settings.appName());
            return null;
        });
    }

    /** {@inheritDoc} One POST {@code .../revisions/{name}/deactivate}. */
    @Override
    public void deactivate(String revision) {
        call("deactivate(" + revision + ")", () -> {
            revisions.deactivateRevisionWithResponse(settings.resourceGroup(), settings.appName(), revision,
                    Context.NONE);
            LOG.info("Deactivated revision {} of {}", SafeText.line(revision), settings.appName());
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One GET of the app (mode, current split, labels), then as {@link #setTraffic(TrafficWeights, AppTraffic)}.
     *
     * @throws AzureProviderException if the app is in Single mode and the split differs (see
     *         {@link Builder#switchToMultipleRevisionMode(boolean)}), has no ingress, or the call fails
     */
    @Override
    public AppTraffic setTraffic(TrafficWeights weights) {
        String operation = "setTraffic(" + weights + ")";
        return call(operation, () -> applyTraffic(operation, weights, toAppTraffic(getApp())));
    }

    /**
     * {@inheritDoc}
     *
     * <p>No read: unless the split is already in place in Single mode, one PATCH of
     * {@code configuration.ingress.traffic}, built from {@code current}'s mode and labels. Every label is kept: a
     * revision's first label on its weighted entry, the others (and labels of revisions without weight, and labels
     * that follow the latest revision) on entries of weight 0, so their label URLs survive. Weighted revisions are
     * always named, never {@code latestRevision: true}, so a later deployment cannot move traffic behind the
     * release's back.
     *
     * <p>The confirmation is the service's own answer, never an extra GET: a 200 carries the app as it now is, and
     * its traffic is returned; a 202 is polled at its {@code Azure-AsyncOperation} (or {@code Location}) until the
     * operation ends, and Succeeded means the split sent is in place, which is returned with {@code current}'s
     * latest revisions. An operation that ends Failed or Canceled throws with the service's error code.
     *
     * @throws AzureProviderException if the app is in Single mode and the split differs (see
     *         {@link Builder#switchToMultipleRevisionMode(boolean)}), the service refuses the change, the operation
     *         fails, or the call fails
     */
    @Override
    public AppTraffic setTraffic(TrafficWeights weights, AppTraffic current) {
        Objects.requireNonNull(current, "current");
        String operation = "setTraffic(" + weights + ")";
        return call(operation, () -> applyTraffic(operation, weights, current));
    }

    private AppTraffic applyTraffic(String operation, TrafficWeights weights, AppTraffic current) {
        RevisionMode mode = current.mode();
        if (mode == RevisionMode.SINGLE) {
            if (current.weights().withoutZeros().equals(weights.withoutZeros())) {
                LOG.info("Traffic of {} already {} (Single revision mode); nothing to change",
                        settings.appName(), SafeText.line(weights.toString()));
                return current;
            }
            if (!switchToMultipleRevisionMode) {
                throw new AzureProviderException(PROVIDER_NAME, operation + " of " + settings.appName(), "the app is "
                        + "in Single revision mode, where the newest revision takes all traffic and weights cannot be "
                        + "set. Switch it to Multiple mode (az containerapp revision set-mode --mode multiple), call "
                        + "ensureMultipleRevisionMode(), or build the provider with "
                        + "switchToMultipleRevisionMode(true)", false, null, 0, "SingleRevisionMode", null);
            }
            patchRevisionMode();
            mode = RevisionMode.MULTIPLE;
        }
        List<TrafficWeight> entries = trafficEntries(weights, current.labels());
        LOG.info("Setting traffic of {}: {} -> {}", settings.appName(), SafeText.line(current.weights().toString()),
                SafeText.line(weights.toString()));
        ContainerAppInner answer = patch(operation, new ContainerAppInner().withConfiguration(
                new Configuration().withIngress(new Ingress().withTraffic(entries))));
        if (answer != null && answer.configuration() != null && answer.configuration().ingress() != null) {
            return toAppTraffic(answer);
        }
        // The operation ended Succeeded: exactly the list sent is in place (the labels as they were).
        Map<String, Integer> split = new LinkedHashMap<>();
        for (TrafficWeight entry : entries) {
            if (entry.revisionName() != null) {
                split.merge(entry.revisionName(), entry.weight(), Integer::sum);
            }
        }
        return new AppTraffic(mode, new TrafficWeights(split), current.latestRevision(),
                current.latestReadyRevision(), current.labels());
    }

    /**
     * PATCHes the app with {@code body} and waits for the long-running operation to end, without the SDK's final GET
     * of the app (the answer already says whether the change applied).
     *
     * @return the app as a 200 answer (or the operation's last answer) carries it; null when it carries none
     */
    private ContainerAppInner patch(String operation, ContainerAppInner body) {
        SyncPoller<PollResult<ContainerAppInner>, ContainerAppInner> poller = apps.beginUpdate(
                settings.resourceGroup(), settings.appName(), body, Context.NONE);
        PollResponse<PollResult<ContainerAppInner>> last = poller.waitForCompletion();
        if (last.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            throw operationFailed(operation, last);
        }
        return last.getValue() == null ? null : last.getValue().getValue();
    }

    /**
     * The operation did not succeed: it ended Failed or Canceled (a 2xx status answer: the change did not apply), or
     * its status could not be read (an HTTP failure of a poll, transient when a retry may help: the change's outcome
     * is unknown). The service's error code and message, as the SDK would report them.
     */
    private AzureProviderException operationFailed(String operation, PollResponse<PollResult<ContainerAppInner>> last) {
        PollResult.Error error = last.getValue() == null ? null : last.getValue().getError();
        String code = null;
        String message = null;
        if (error != null && error.getResponseBody() != null) {
            try {
                ManagementError parsed = SERIALIZER.deserialize(error.getResponseBody(), ManagementError.class,
                        SerializerEncoding.JSON);
                if (parsed != null) {
                    code = parsed.getCode();
                    message = parsed.getMessage();
                }
            } catch (IOException | RuntimeException unreadable) {
                LOG.debug("the failed operation's answer of {} is not an ARM error", settings.appName());
            }
        }
        if (code == null) {
            code = last.getStatus().toString();
        }
        if (message == null) {
            message = error != null && error.getMessage() != null ? error.getMessage()
                    : "Long running operation failed.";
        }
        int status = error == null ? 200 : error.getResponseStatusCode();
        Function<String, String> header = name -> error == null
                || error.getResponseHeaders() == null ? null : error.getResponseHeaders().getValue(name);
        return AzureErrors.fromStatus(PROVIDER_NAME, operation + " of " + settings.appName(), status, header, code,
                SafeText.line(message), null);
    }

    /**
     * {@inheritDoc} In Multiple mode always; in Single mode only when built with
     * {@link Builder#switchToMultipleRevisionMode(boolean) switchToMultipleRevisionMode(true)}, since otherwise
     * {@link #setTraffic} refuses any change there.
     */
    @Override
    public boolean canMoveTraffic(RevisionMode mode) {
        return mode == RevisionMode.MULTIPLE || switchToMultipleRevisionMode;
    }

    /**
     * Switches the app to Multiple revision mode if it is in Single mode, with a PATCH of
     * {@code configuration.activeRevisionsMode} only, logged at WARN. Does nothing (one GET) if the app already is
     * in Multiple mode. Idempotent, thread-safe, blocks on I/O.
     *
     * @return true if the mode was switched
     * @throws AzureProviderException if a call fails
     */
    public boolean ensureMultipleRevisionMode() {
        return call("ensureMultipleRevisionMode", () -> {
            if (toAppTraffic(getApp()).mode() == RevisionMode.MULTIPLE) {
                return false;
            }
            patchRevisionMode();
            return true;
        });
    }

    private void patchRevisionMode() {
        LOG.warn("Switching {} from Single to Multiple revision mode so that traffic can be split between "
                + "revisions (explicitly allowed); older revisions stay active until deactivated",
                settings.appName());
        patch("switch to Multiple revision mode", new ContainerAppInner().withConfiguration(
                new Configuration().withActiveRevisionsMode(ActiveRevisionsMode.MULTIPLE)));
    }

    private ContainerAppInner getApp() {
        return apps.getByResourceGroupWithResponse(settings.resourceGroup(), settings.appName(), Context.NONE)
                .getValue();
    }

    /**
     * The traffic list for {@code weights}, keeping every label: a revision's first label rides on its weighted
     * entry, every other label gets an entry of its own at weight 0 (on its revision, or {@code latestRevision} for a
     * label that follows the latest revision), so that no label URL is lost by a change.
     */
    private static List<TrafficWeight> trafficEntries(TrafficWeights weights, List<TrafficLabel> known) {
        List<TrafficLabel> labels = new ArrayList<>(known);
        List<TrafficWeight> entries = new ArrayList<>();
        weights.weights().forEach((name, weight) -> {
            TrafficWeight entry = new TrafficWeight().withRevisionName(name).withWeight(weight);
            for (Iterator<TrafficLabel> it = labels.iterator(); it.hasNext();) {
                TrafficLabel label = it.next();
                if (label.revision().equals(Optional.of(name))) {
                    entry.withLabel(label.label());
                    it.remove();
                    break;
                }
            }
            entries.add(entry);
        });
        for (TrafficLabel label : labels) {
            TrafficWeight entry = new TrafficWeight().withWeight(0).withLabel(label.label());
            entries.add(label.revision().isPresent() ? entry.withRevisionName(label.revision().get())
                    : entry.withLatestRevision(true));
        }
        return entries;
    }

    private static List<TrafficWeight> currentEntries(ContainerAppInner app) {
        Configuration configuration = app.configuration();
        if (configuration == null || configuration.ingress() == null
                || configuration.ingress().traffic() == null) {
            return List.of();
        }
        return configuration.ingress().traffic();
    }

    private AppTraffic toAppTraffic(ContainerAppInner app) {
        Configuration configuration = app.configuration();
        if (configuration == null || configuration.ingress() == null) {
            throw new AzureProviderException(PROVIDER_NAME, "traffic", "the app " + settings.appName()
                    + " has no ingress, so it has no traffic split; enable ingress on it", false, null, 0,
                    "NoIngress", null);
        }
        RevisionMode mode = configuration.activeRevisionsMode() == null
                || ActiveRevisionsMode.SINGLE.toString().equalsIgnoreCase(configuration.activeRevisionsMode().toString())
                        ? RevisionMode.SINGLE : RevisionMode.MULTIPLE;
        Optional<String> latest = Optional.ofNullable(app.latestRevisionName());
        Optional<String> latestReady = Optional.ofNullable(app.latestReadyRevisionName());
        Optional<String> latestServing = latestReady.or(() -> latest);
        Map<String, Integer> split = new LinkedHashMap<>();
        List<TrafficLabel> labels = new ArrayList<>();
        for (TrafficWeight entry : currentEntries(app)) {
            String name = Boolean.TRUE.equals(entry.latestRevision()) ? latestServing.orElse(null)
                    : entry.revisionName();
            if (name == null) {
                throw new AzureProviderException(PROVIDER_NAME, "traffic", "a traffic entry of "
                        + settings.appName() + " names no revision and the app reports no latest revision",
                        false, null, 0, null, null);
            }
            split.merge(name, entry.weight() == null ? 0 : entry.weight(), Integer::sum);
            if (entry.label() != null && !entry.label().isBlank()) {
                labels.add(Boolean.TRUE.equals(entry.latestRevision()) || entry.revisionName() == null
                        ? TrafficLabel.onLatest(entry.label()) : TrafficLabel.on(entry.label(), entry.revisionName()));
            }
        }
        if (split.isEmpty()) {
            split.put(latestServing.orElseThrow(() -> new AzureProviderException(PROVIDER_NAME, "traffic",
                    "the app " + settings.appName() + " has no traffic entries and no revision yet", false, null, 0,
                    null, null)), 100);
        }
        TrafficWeights weights;
        try {
            weights = new TrafficWeights(split);
        } catch (IllegalArgumentException e) {
            throw new AzureProviderException(PROVIDER_NAME, "traffic", "Azure reported a traffic split the "
                    + "library cannot use (" + e.getMessage() + ")", false, null, 0, null, e);
        }
        return new AppTraffic(mode, weights, latest, latestReady, labels);
    }

    private static Revision toRevision(RevisionInner r) {
        if (r == null || r.name() == null) {
            throw new IllegalStateException("Azure returned a revision without a name");
        }
        Optional<String> image = Optional.ofNullable(r.template())
                .flatMap(t -> Optional.ofNullable(t.containers()))
                .flatMap(cs -> cs.stream().findFirst())
                .flatMap(c -> Optional.ofNullable(c.image()));
        return new Revision(r.name(),
                r.createdTime() == null ? Instant.EPOCH : r.createdTime().toInstant(),
                Boolean.TRUE.equals(r.active()),
                r.trafficWeight() == null ? 0 : r.trafficWeight(),
                enumOf(Revision.Health.class, r.healthState(), Revision.Health.NONE),
                enumOf(Revision.Provisioning.class, r.provisioningState(), Revision.Provisioning.UNKNOWN),
                enumOf(Revision.Running.class, r.runningState(), Revision.Running.UNKNOWN),
                image,
                Optional.ofNullable(r.fqdn()).filter(f -> !f.isBlank()).map(f -> "https://" + f));
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, Object value, E otherwise) {
        if (value == null) {
            return otherwise;
        }
        try {
            return Enum.valueOf(type, value.toString().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return otherwise;
        }
    }

    /**
     * Runs {@code body} on a worker thread and waits for it at most {@link #operationTimeout}. On the deadline or an
     * interrupt of the caller, the worker is interrupted: {@code Mono.block()} inside the SDK then disposes its
     * subscription, which cancels the HTTP exchange and stops the polling of a long-running operation.
     */
    private <T> T call(String operation, Supplier<T> body) {
        String what = operation + " of " + settings.appName();
        Future<T> result = calls.submit(() -> AzureErrors.call(PROVIDER_NAME, what, body));
        try {
            return result.get(operationTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            LOG.warn("Azure {} had no outcome within {} (operationTimeout); cancelled, its state is unknown", what,
                    operationTimeout);
            throw new AzureProviderException(PROVIDER_NAME, what, "no outcome within " + operationTimeout
                    + " (operationTimeout), so the call was cancelled; its state is unknown: Azure may still finish "
                    + "the operation, so read the app's traffic and revisions back before acting on it", true, null,
                    0, OPERATION_TIMEOUT_CODE, null);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new ReleaseInterruptedException("interrupted while waiting for Azure " + what + "; the call was "
                    + "cancelled and its state is unknown: read the app's traffic and revisions back", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw AzureErrors.translate(PROVIDER_NAME, what, cause);
        }
    }

    /**
     * The overall deadline of one call.
     *
     * @return the overall deadline of one call
     */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** Subscription, resource group, app, endpoint and where the credential comes from; never a secret. */
    @Override
    public String toString() {
        return "ContainerAppsPlatform[" + settings + "]";
    }

    /**
     * Builds a {@link ContainerAppsPlatform}. Setter order does not matter; {@link #build()} validates everything
     * at once. Not thread-safe.
     */
    public static final class Builder extends ArmClientBuilder<Builder> {

        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private boolean switchToMultipleRevisionMode;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * How often a long-running operation is polled when the service sends no {@code Retry-After}. Default:
         * {@link #DEFAULT_POLL_INTERVAL} (the SDK's own default of 30 s is too slow for a rollback).
         *
         * @param interval how often a long-running operation is polled when the service sends no {@code Retry-After}
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /**
         * The overall deadline of one call: its retries and, for a write, the long-running operation's polls until
         * it ends. Past it the call is cancelled and fails with error code {@link
         * ContainerAppsPlatform#OPERATION_TIMEOUT_CODE}, its outcome unknown (read the state back). Default {@link
         * #DEFAULT_OPERATION_TIMEOUT}; must be positive.
         *
         * @param timeout the overall deadline of one call: its retries and, for a write, the long-running operation's
         *     polls until it ends
         * @return this builder
         */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = timeout;
            return this;
        }

        /**
         * Allows {@link ContainerAppsPlatform#setTraffic(TrafficWeights)} to switch an app in Single revision mode
         * to Multiple mode before splitting traffic (a PATCH of {@code activeRevisionsMode} only, logged at WARN).
         * Default: false, and setTraffic in Single mode fails with an explanation.
         *
         * @param allowed true to allow the switch
         * @return this builder
         */
        public Builder switchToMultipleRevisionMode(boolean allowed) {
            this.switchToMultipleRevisionMode = allowed;
            return this;
        }

        /**
         * Validates and builds. Makes no network call.
         *
         * @return a new {@code ContainerAppsPlatform} with this builder's settings
         * @throws InvalidConfigurationException listing every problem found
         */
        public ContainerAppsPlatform build() {
            List<String> problems = new ArrayList<>();
            settings.validate(problems);
            ArmSettings.requirePositive(problems, "pollInterval", pollInterval);
            ArmSettings.requirePositive(problems, "operationTimeout", operationTimeout);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("ContainerAppsPlatform", problems);
            }
            return new ContainerAppsPlatform(settings.copy(), pollInterval, switchToMultipleRevisionMode,
                    operationTimeout);
        }
    }
}
