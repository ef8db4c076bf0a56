package io.releasepipeline;

import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.event.ReleaseListener;
import io.releasepipeline.evidence.EvidenceLink;
import io.releasepipeline.evidence.EvidenceStore;
import io.releasepipeline.evidence.EvidenceTemplate;
import io.releasepipeline.gate.Gate;
import io.releasepipeline.gate.Gates;
import io.releasepipeline.health.HealthProbe;
import io.releasepipeline.health.SmokeCheck;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.Hooks;
import io.releasepipeline.hook.ReleaseHook;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.HealthSignalProvider;
import io.releasepipeline.spi.IncidentProvider;
import io.releasepipeline.spi.PlatformProvider;
import io.releasepipeline.time.ClockAware;
import io.releasepipeline.time.ReleaseClock;
import io.releasepipeline.traffic.TrafficPlan;
import io.releasepipeline.trigger.Triggers;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ReleasePipeline}. Every provider is given explicitly; everything else defaults to the runbook's
 * numbers. {@link #build()} copies what it was given and validates it all at once, so the order of calls never
 * matters and one {@link InvalidConfigurationException} lists every problem. Not thread-safe.
 */
public final class ReleasePipelineBuilder {

    private PlatformProvider platform;
    private CiProvider ci;
    private EvidenceStore evidence;
    private IncidentProvider incidents;
    private HealthSignalProvider healthSignals;
    private List<Gate> gates = Gates.runbookDefaults();
    private SmokeCheck smokeCheck;
    private HealthProbe healthProbe;
    private Triggers triggers = Triggers.runbookDefaults();
    private TrafficPlan trafficPlan = TrafficPlan.immediate();
    private Duration observationWindow = ReleasePipeline.DEFAULT_OBSERVATION_WINDOW;
    private Duration deployTimeout = ReleasePipeline.DEFAULT_DEPLOY_TIMEOUT;
    private Duration deployPollInterval = ReleasePipeline.DEFAULT_DEPLOY_POLL_INTERVAL;
    private Duration revisionReadyTimeout = ReleasePipeline.DEFAULT_REVISION_READY_TIMEOUT;
    private Duration revisionPollInterval = ReleasePipeline.DEFAULT_REVISION_POLL_INTERVAL;
    private ProviderPolicy providerPolicy = ProviderPolicy.ofDefaults();
    private ReleaseClock clock = ReleaseClock.system();
    private boolean clockGiven;
    private final List<ReleaseListener> listeners = new ArrayList<>();
    private String host;
    private String environmentUrl;
    private EvidenceLink evidenceLink = EvidenceLink.ofLocation();
    private EvidenceTemplate evidenceTemplate;
    private java.nio.file.Path evidenceTemplateFile;
    private ApprovalProvider approvals;
    private Duration approvalTimeout = ReleasePipeline.DEFAULT_APPROVAL_TIMEOUT;
    private ApprovalTimeoutAction approvalTimeoutAction = ApprovalTimeoutAction.REJECT;
    private Hooks hooks = Hooks.none();
    private io.releasepipeline.migration.MigrationDetection migrations =
            io.releasepipeline.migration.MigrationDetection.declaredOnly();

    ReleasePipelineBuilder() {
    }

    /**
     * The cloud platform that runs the app. Required.
     *
     * @param platform the cloud platform that runs the app
     * @return this builder
     */
    public ReleasePipelineBuilder platform(PlatformProvider platform) {
        this.platform = platform;
        return this;
    }

    /**
     * The CI system and code host. Required.
     *
     * @param ci the CI system and code host
     * @return this builder
     */
    public ReleasePipelineBuilder ci(CiProvider ci) {
        this.ci = ci;
        return this;
    }

    /**
     * Where evidence, the journal and the release lock live. Required.
     *
     * @param evidence where evidence, the journal and the release lock live
     * @return this builder
     */
    public ReleasePipelineBuilder evidence(EvidenceStore evidence) {
        this.evidence = evidence;
        return this;
    }

    /**
     * Where open incidents are tracked. Required.
     *
     * @param incidents where open incidents are tracked
     * @return this builder
     */
    public ReleasePipelineBuilder incidents(IncidentProvider incidents) {
        this.incidents = incidents;
        return this;
    }

    /**
     * Error-rate telemetry. Required while the error-rate trigger is armed.
     *
     * @param healthSignals the error-rate source
     * @return this builder
     */
    public ReleasePipelineBuilder healthSignals(HealthSignalProvider healthSignals) {
        this.healthSignals = healthSignals;
        return this;
    }

    /**
     * The pre-promotion gates. Default: {@link Gates#runbookDefaults()}.
     *
     * @param gates the pre-promotion gates
     * @return this builder
     */
    public ReleasePipelineBuilder gates(List<Gate> gates) {
        this.gates = gates;
        return this;
    }

    /**
     * The smoke check run after each traffic shift, during observation and after a rollback. Required.
     *
     * @param smokeCheck the smoke check run after each traffic shift, during observation and after a rollback
     * @return this builder
     */
    public ReleasePipelineBuilder smokeCheck(SmokeCheck smokeCheck) {
        this.smokeCheck = smokeCheck;
        return this;
    }

    /**
     * The synthetic health monitor. Required while the health trigger is armed.
     *
     * @param healthProbe the synthetic health monitor
     * @return this builder
     */
    public ReleasePipelineBuilder healthProbe(HealthProbe healthProbe) {
        this.healthProbe = healthProbe;
        return this;
    }

    /**
     * The rollback triggers. Default: {@link Triggers#runbookDefaults()}.
     *
     * @param triggers the rollback triggers
     * @return this builder
     */
    public ReleasePipelineBuilder rollbackTriggers(Triggers triggers) {
        this.triggers = triggers;
        return this;
    }

    /**
     * How traffic moves. Default: {@link TrafficPlan#immediate()}.
     *
     * @param plan how traffic moves
     * @return this builder
     */
    public ReleasePipelineBuilder trafficPlan(TrafficPlan plan) {
        this.trafficPlan = plan;
        return this;
    }

    /**
     * How long the new revision is observed at 100%. Default 10 minutes.
     *
     * @param window how long the new revision is observed at 100%
     * @return this builder
     */
    public ReleasePipelineBuilder observationWindow(Duration window) {
        this.observationWindow = window;
        return this;
    }

    /**
     * How long the deploy run may take to appear and complete. Default 15 minutes.
     *
     * @param timeout how long the deploy run may take to appear and complete
     * @return this builder
     */
    public ReleasePipelineBuilder deployTimeout(Duration timeout) {
        this.deployTimeout = timeout;
        return this;
    }

    /**
     * How often the deploy run is polled. Default 15 seconds.
     *
     * @param interval how often the deploy run is polled
     * @return this builder
     */
    public ReleasePipelineBuilder deployPollInterval(Duration interval) {
        this.deployPollInterval = interval;
        return this;
    }

    /**
     * How long a revision may take to become ready. Default 5 minutes.
     *
     * @param timeout how long a revision may take to become ready
     * @return this builder
     */
    public ReleasePipelineBuilder revisionReadyTimeout(Duration timeout) {
        this.revisionReadyTimeout = timeout;
        return this;
    }

    /**
     * How often a revision's state is polled while waiting. Default 5 seconds.
     *
     * @param interval how often a revision's state is polled while waiting
     * @return this builder
     */
    public ReleasePipelineBuilder revisionPollInterval(Duration interval) {
        this.revisionPollInterval = interval;
        return this;
    }

    /**
     * Retries and circuit breaking of provider calls. Default {@link ProviderPolicy#ofDefaults()}.
     *
     * @param policy the retry and circuit-breaker policy
     * @return this builder
     */
    public ReleasePipelineBuilder providerPolicy(ProviderPolicy policy) {
        this.providerPolicy = policy;
        return this;
    }

    /**
     * The one clock for every timestamp and wait. Default: the system clock. Providers that know their clock
     * ({@link ClockAware}: the test kit's fakes) must run on one that agrees with it: {@link #build()} refuses a
     * pipeline on the system clock with fakes on a {@code VirtualClock}, and the reverse.
     *
     * @param clock the one clock for every timestamp and wait
     * @return this builder
     */
    public ReleasePipelineBuilder clock(ReleaseClock clock) {
        this.clock = clock;
        this.clockGiven = true;
        return this;
    }

    /**
     * Adds an event listener.
     *
     * @param listener receives every event; one that throws is logged and never breaks a release
     * @return this builder
     */
    public ReleasePipelineBuilder listener(ReleaseListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * This host's name, for the release lock. Default: the local host name.
     *
     * @param host this host's name, for the release lock
     * @return this builder
     */
    public ReleasePipelineBuilder host(String host) {
        this.host = host;
        return this;
    }

    /**
     * Where people reading a pull request can open a release's evidence (see {@link EvidenceLink}). Notes never
     * show a local path: without a link they name the evidence file alone. Default: {@link EvidenceLink#ofLocation()}
     * (the store's location when it is an http(s) URL, as Blob storage's is).
     *
     * @param link where people reading a pull request can open a release's evidence (see {@link EvidenceLink})
     * @return this builder
     */
    public ReleasePipelineBuilder evidenceLink(EvidenceLink link) {
        this.evidenceLink = link;
        return this;
    }

    /**
     * Fills the Markdown evidence from the team's own template (see {@link EvidenceTemplate}) instead of writing the
     * built-in report alone; the full report follows the filled template unless it places {@code {{full_report}}}.
     * The JSON record and the chart are unchanged. Replaces an earlier {@link #evidenceTemplate(java.nio.file.Path)}.
     * Default: none (the built-in report).
     *
     * @param template the parsed template
     * @return this builder
     */
    public ReleasePipelineBuilder evidenceTemplate(EvidenceTemplate template) {
        this.evidenceTemplate = template;
        this.evidenceTemplateFile = null;
        return this;
    }

    /**
     * As {@link #evidenceTemplate(EvidenceTemplate)}, read and parsed from {@code file} by {@link #build()}: a missing
     * or unreadable file and every problem of the template (an unknown placeholder, with its line and column and the
     * known names) are reported with the configuration's other problems, before any release starts.
     *
     * @param file the template file, UTF-8
     * @return this builder
     */
    public ReleasePipelineBuilder evidenceTemplate(java.nio.file.Path file) {
        this.evidenceTemplateFile = file;
        this.evidenceTemplate = null;
        return this;
    }

    /**
     * The app's public URL, for deployment records and incident notes.
     *
     * @param url the app's public URL, for deployment records and incident notes
     * @return this builder
     */
    public ReleasePipelineBuilder environmentUrl(String url) {
        this.environmentUrl = url;
        return this;
    }

    /**
     * Where people approve the steps the traffic plan waits on ({@link TrafficPlan#withApprovalBefore}).
     *
     * @param approvals where people approve the steps the traffic plan waits on ({@link
     *     TrafficPlan#withApprovalBefore})
     * @return this builder
     */
    public ReleasePipelineBuilder approvals(ApprovalProvider approvals) {
        this.approvals = approvals;
        return this;
    }

    /**
     * How long a step waits for a decision, and what happens then. Default: 1 hour, then reject.
     *
     * @param timeout how long a step waits, positive
     * @param action what happens when it runs out
     * @return this builder
     */
    public ReleasePipelineBuilder approvalTimeout(Duration timeout, ApprovalTimeoutAction action) {
        this.approvalTimeout = timeout;
        this.approvalTimeoutAction = action;
        return this;
    }

    /**
     * Runs {@code hook} at {@code point} of every release, after the hooks added there before. See {@link HookPoint}
     * for what a failure at each point does.
     *
     * @param point when the hook runs
     * @param hook the hook
     * @return this builder
     */
    public ReleasePipelineBuilder hook(HookPoint point, ReleaseHook hook) {
        this.hooks = hooks.with(point, hook);
        return this;
    }

    /**
     * How a release is judged to carry a database migration (changed files under path patterns, a label, or the
     * request's declaration), and what a migration release with no migration-rollback hook does. Default
     * {@link io.releasepipeline.migration.MigrationDetection#declaredOnly()}: only a declaration counts, and such a
     * release warns on rollback.
     *
     * @param detection how a release is judged to carry a database migration (changed files under path patterns, a
     *     label, or the request's declaration), and what a migration release with no migration-rollback hook does
     * @return this builder
     */
    public ReleasePipelineBuilder migrations(io.releasepipeline.migration.MigrationDetection detection) {
        this.migrations = detection;
        return this;
    }

    /**
     * Runs {@code hook} on rollback of a release that carries a database migration, to undo it.
     *
     * @param hook the hook that undoes the migration
     * @return this builder
     */
    public ReleasePipelineBuilder migrationRollbackHook(ReleaseHook hook) {
        this.hooks = hooks.withMigrationRollback(hook);
        return this;
    }

    /**
     * Validates everything and builds an immutable pipeline.
     *
     * @return the pipeline, thread-safe
     * @throws InvalidConfigurationException listing every problem at once
     */
    public ReleasePipeline build() {
        List<String> problems = new ArrayList<>();
        required(problems, "platform", platform, "a PlatformProvider (e.g. the Azure Container Apps provider)");
        required(problems, "ci", ci, "a CiProvider (e.g. the GitHub provider)");
        required(problems, "evidence", evidence, "an EvidenceStore (e.g. the filesystem store)");
        required(problems, "incidents", incidents, "an IncidentProvider (e.g. GitHub issues labelled SEV-1/SEV-2)");
        required(problems, "smokeCheck", smokeCheck, "a SmokeCheck (e.g. the HTTP smoke checker)");
        required(problems, "clock", clock, "a ReleaseClock (ReleaseClock.system() in production)");
        required(problems, "providerPolicy", providerPolicy, "a ProviderPolicy (ProviderPolicy.ofDefaults())");
        if (gates == null) {
            problems.add("gates: must not be null; use Gates.runbookDefaults(), or List.of() for none");
        } else if (gates.stream().anyMatch(java.util.Objects::isNull)) {
            problems.add("gates: contains a null gate");
        } else {
            List<String> names = new ArrayList<>();
            for (Gate g : gates) {
                if (names.contains(g.name())) {
                    problems.add("gates: two gates are named \"" + g.name() + "\"; names must be unique");
                }
                names.add(g.name());
            }
        }
        if (triggers == null) {
            problems.add("rollbackTriggers: must not be null; use Triggers.runbookDefaults()");
        } else {
            problems.addAll(triggers.problems("rollbackTriggers"));
            if (triggers.errorRate().isPresent() && healthSignals == null) {
                problems.add("healthSignals: required while the error-rate trigger is armed; give a "
                        + "HealthSignalProvider or disarm it with Triggers.builder().withoutErrorRateTrigger()");
            }
            if (triggers.healthDownFor().isPresent() && healthProbe == null) {
                problems.add("healthProbe: required while the health trigger is armed; give a HealthProbe or "
                        + "disarm it with Triggers.builder().withoutHealthTrigger()");
            }
        }
        if (trafficPlan == null) {
            problems.add("trafficPlan: must not be null; use TrafficPlan.immediate()");
        } else {
            problems.addAll(trafficPlan.problems("trafficPlan"));
        }
        if (trafficPlan != null && !trafficPlan.approvalBefore().isEmpty() && approvals == null) {
            problems.add("approvals: required because the traffic plan waits for approval before "
                    + trafficPlan.approvalBefore() + "; give an ApprovalProvider (ApiApprovals, GitHub environments)");
        }
        positive(problems, "approvalTimeout", approvalTimeout);
        if (approvalTimeoutAction == null) {
            problems.add("approvalTimeout: give an action (REJECT or APPROVE) for when nobody decides");
        }
        positive(problems, "observationWindow", observationWindow);
        positive(problems, "deployTimeout", deployTimeout);
        positive(problems, "deployPollInterval", deployPollInterval);
        positive(problems, "revisionReadyTimeout", revisionReadyTimeout);
        positive(problems, "revisionPollInterval", revisionPollInterval);
        if (providerPolicy != null) {
            problems.addAll(providerPolicy.problems("providerPolicy"));
        }
        if (evidenceLink == null) {
            problems.add("evidenceLink: must not be null; use EvidenceLink.ofLocation()");
        }
        problems.addAll(hooks.problems("hook"));
        Optional<EvidenceTemplate> template = Optional.ofNullable(evidenceTemplate);
        if (evidenceTemplateFile != null) {
            List<String> templateProblems = new ArrayList<>();
            template = EvidenceTemplate.read(evidenceTemplateFile, templateProblems);
            templateProblems.forEach(p -> problems.add("evidenceTemplate: " + p));
        }
        if (migrations == null) {
            problems.add("migrations: must not be null; use MigrationDetection.declaredOnly()");
        } else {
            problems.addAll(migrations.problems("migrations"));
        }
        if (clock != null) {
            // Grouped: fakes on a VirtualClock under a pipeline without .clock(...) are one mistake, said once.
            Map<String, List<String>> mismatches = new LinkedHashMap<>();
            sameClock(mismatches, "platform", platform);
            sameClock(mismatches, "ci", ci);
            sameClock(mismatches, "evidence", evidence);
            sameClock(mismatches, "incidents", incidents);
            sameClock(mismatches, "healthSignals", healthSignals);
            sameClock(mismatches, "smokeCheck", smokeCheck);
            sameClock(mismatches, "healthProbe", healthProbe);
            sameClock(mismatches, "approvals", approvals);
            if (triggers != null) {
                sameClock(mismatches, "rollbackTriggers.alertSource", triggers.alertSource().orElse(null));
            }
            mismatches.forEach((what, providers) -> problems.add(providers.size() == 1
                    ? providers.get(0) + " " + what.formatted("runs", "the provider was", "the provider")
                    : String.join(", ", providers) + " " + what.formatted("run", "the providers were", "them")));
        }
        if (listeners.contains(null)) {
            problems.add("listener: a null listener was added");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("release pipeline configuration", problems);
        }
        ReleaseConfig config = new ReleaseConfig(platform, ci, evidence, incidents, healthSignals, gates, smokeCheck,
                Optional.ofNullable(healthProbe), triggers, trafficPlan, observationWindow, deployTimeout,
                deployPollInterval, revisionReadyTimeout, revisionPollInterval, providerPolicy, clock, listeners,
                host != null ? host : localHost(), Optional.ofNullable(environmentUrl), Optional.ofNullable(approvals),
                approvalTimeout, approvalTimeoutAction, evidenceLink, hooks, template,
                migrations);
        return EngineHolder.PROVIDER.create(config);
    }

    /** The engine, looked up once; see {@link EngineProvider}. */
    private static final class EngineHolder {
        static final EngineProvider PROVIDER = java.util.ServiceLoader.load(EngineProvider.class,
                EngineProvider.class.getClassLoader()).findFirst().orElseThrow(() -> new IllegalStateException(
                        "release-core's engine was not found: META-INF/services/" + EngineProvider.class.getName()
                        + " is missing from the class path. A shaded jar must merge service files (Maven Shade's "
                        + "ServicesResourceTransformer)"));
    }

    private static void required(List<String> problems, String name, Object value, String what) {
        if (value == null) {
            problems.add(name + ": required; give " + what);
        }
    }

    /**
     * A provider that knows its clock must agree with the pipeline's: otherwise a simulation waits in real time for
     * virtual time that never comes (or races through its timeouts), which looks like a hang, not like an error.
     */
    private void sameClock(Map<String, List<String>> mismatches, String name, Object provider) {
        if (!(provider instanceof ClockAware aware) || aware.clock() == null) {
            return;
        }
        ReleaseClock theirs = aware.clock();
        boolean agree = aware.wakesClock() ? theirs == clock : clock.keepsTimeWith(theirs);
        if (agree) {
            return;
        }
        String pipelineClock = describe(clock) + (clockGiven ? "" : " (.clock(...) was not called)");
        // %1$s: runs/run, %2$s: the provider was/the providers were, %3$s: the provider/them.
        String what = describe(theirs).equals(describe(clock))
                ? "%1$s on another " + describe(theirs).replaceFirst("^(a|the) ", "") + " than the pipeline's"
                : "%1$s on " + describe(theirs) + ", the pipeline on " + pipelineClock;
        String why = aware.wakesClock() ? "the release sleeps on its own clock, so it would notice a decision "
                + "or an alert only at its next poll"
                : "the release would wait on its clock for times the provider counts on the other (a simulation "
                + "hangs in real time, or its timeouts pass at once)";
        mismatches.computeIfAbsent(what + "; " + why + ". Give the pipeline the clock %2$s built on, .clock(clock), "
                + "or build %3$s on the pipeline's clock", k -> new ArrayList<>())
                .add(name + ": " + simpleName(provider.getClass()));
    }

    private static String describe(ReleaseClock c) {
        return ReleaseClock.system().keepsTimeWith(c) ? "the system clock" : "a " + simpleName(c.getClass());
    }

    private static String simpleName(Class<?> type) {
        return type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
    }

    private static void positive(List<String> problems, String name, Duration d) {
        if (d == null) {
            problems.add(name + ": must not be null");
        } else if (d.isNegative() || d.isZero()) {
            problems.add(name + ": must be positive, got " + d);
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
    }
}
