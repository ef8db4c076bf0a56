package io.releasepipeline.cli.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A validated {@code release.yaml}: the runbook's settings for one app. Immutable; built only by
 * {@link ConfigReader}, which applies the runbook's defaults and rejects every problem at once. Holds names of
 * environment variables, never a secret.
 *
 * @param app the Container App
 * @param azure how to reach Azure Resource Manager
 * @param github how to reach GitHub
 * @param gates the pre-promotion checklist
 * @param smoke the smoke check (runbook step 4)
 * @param rollback the rollback triggers
 * @param traffic the traffic plan
 * @param observation how long the last step is observed
 * @param polling how the deploy run and the new revision are awaited
 * @param evidence where evidence, the journal and the lock live
 * @param hooks the hooks run at points of each release ({@code hooks:})
 * @param migrations how a release is judged to carry a database migration, and the policy without a rollback hook
 */
public record CliConfig(App app, Azure azure, GitHub github, Gates gates, Smoke smoke, Rollback rollback,
        Traffic traffic, Duration observation, Polling polling, Evidence evidence, Hooks hooks,
        Migrations migrations) {

    /**
     * @param subscription the Azure subscription id
     * @param resourceGroup the resource group
     * @param name the Container App's name (also the app's name in evidence and locks)
     * @param url the app's public URL, for deployment records and incident notes
     */
    public record App(String subscription, String resourceGroup, String name, Optional<String> url) {
    }

    /**
     * @param endpoint the Resource Manager endpoint override (sovereign clouds, tests)
     * @param tokenVariable when present, a bearer token is read from this environment variable instead of the
     *     default credential chain
     * @param pollInterval how often a long-running operation is polled without {@code Retry-After}
     * @param switchToMultipleRevisionMode whether a canary may switch a Single-mode app to Multiple mode
     * @param operationTimeout the overall deadline of one Resource Manager call, long-running operation included
     */
    public record Azure(Optional<URI> endpoint, Optional<String> tokenVariable, Duration pollInterval,
            boolean switchToMultipleRevisionMode, Duration operationTimeout) {
    }

    /**
     * @param repository {@code owner/name}
     * @param apiUrl the REST API root
     * @param deployWorkflow the deploy workflow's file name
     * @param mergeMethod {@code merge}, {@code squash} or {@code rebase}
     * @param tokenVariable the environment variable holding the token
     * @param environment the deployment environment's name
     * @param requestTimeout how long one request may take
     * @param minWriteInterval the least time between two writes
     * @param deployPaths the paths whose change deploys (GitHub filter patterns), instead of the deploy workflow's
     *     own {@code on.push} filter; empty to read the workflow
     */
    public record GitHub(String repository, URI apiUrl, String deployWorkflow, String mergeMethod,
            String tokenVariable, String environment, Duration requestTimeout, Duration minWriteInterval,
            Optional<List<String>> deployPaths) {
    }

    /**
     * @param requiredChecks checks that must pass on the head commit
     * @param minimumApprovals approvals needed, from reviewers with write access
     * @param approvalsOnHead whether only approvals of the head commit count (default false: an approval of an older
     *     commit counts unless GitHub dismissed it); a request for changes blocks on any commit either way
     * @param incidentLabels incident severities (issue labels) that block a release
     * @param stableFor how long the previous release must have been stable
     * @param breakingChangesDocumented whether the "Breaking changes" section is required
     */
    public record Gates(List<String> requiredChecks, int minimumApprovals, boolean approvalsOnHead,
            List<String> incidentLabels, Duration stableFor, boolean breakingChangesDocumented) {
    }

    /**
     * @param baseUrl the URL endpoint paths are appended to
     * @param targetRevisionUrl whether to probe the new revision's own URL
     * @param endpoints what to GET
     * @param latencySlo the warm-latency SLO
     * @param samples warm samples per endpoint
     * @param requestTimeout the timeout of each request
     */
    public record Smoke(Optional<String> baseUrl, boolean targetRevisionUrl, List<SmokeEndpoint> endpoints,
            Duration latencySlo, int samples, Duration requestTimeout) {
    }

    /**
     * @param path the path and query
     * @param status the status it must answer
     * @param bodyContains text its body must contain
     */
    public record SmokeEndpoint(String path, int status, Optional<String> bodyContains) {
    }

    /**
     * A backtest's candidate policy, read from a {@code release.yaml}-shaped file
     * ({@link ConfigReader#readCandidate}).
     *
     * @param rollback its {@code rollback:} section
     * @param app its {@code app.name}, when given
     */
    public record Candidate(Rollback rollback, Optional<String> app) {
    }

    /**
     * @param smoke the smoke-failing trigger
     * @param health the health-down trigger and its probe
     * @param errorRate the error-rate trigger
     * @param canaryAnalysis the canary-vs-stable 5xx comparison while traffic is split
     * @param alerts the Azure Monitor alert trigger
     * @param advisory triggers in advisory mode (recorded, not enforced)
     * @param recovery how a rollback verifies that the error rate returned to baseline
     */
    public record Rollback(SmokeTrigger smoke, HealthTrigger health, ErrorRate errorRate,
            CanaryAnalysis canaryAnalysis, Alerts alerts, List<String> advisory, Recovery recovery) {
    }

    /**
     * The recovery watch after a rollback ({@code rollback.recovery}): the error rate of the revision traffic went
     * back to must come within {@code tolerance} of the baseline before {@code timeout}, or the release ends
     * {@code ROLLED_BACK_NOT_RECOVERED} (exit 7).
     *
     * @param enabled whether rollbacks are watched
     * @param tolerance absolute 5xx fraction over the baseline that still counts as recovered (0.01 = one point)
     * @param timeout how long the watch may last
     */
    public record Recovery(boolean enabled, double tolerance, Duration timeout) {
    }

    /**
     * Canary analysis.
     *
     * @param enabled whether it is armed
     * @param maxIncrease how much worse the canary's 5xx rate may be than the stable revision's (0.01 = one point)
     */
    public record CanaryAnalysis(boolean enabled, double maxIncrease) {
    }

    /**
     * The alert trigger: Azure Monitor alerts fired for the app roll it back.
     *
     * @param enabled whether it is armed
     * @param interval how often the alerts are polled
     */
    public record Alerts(boolean enabled, Duration interval) {
    }

    /**
     * @param enabled whether armed
     * @param failingFor roll back when failing longer than this
     * @param interval how often the smoke check runs during observation
     */
    public record SmokeTrigger(boolean enabled, Duration failingFor, Duration interval) {
    }

    /**
     * @param enabled whether armed
     * @param path the health endpoint
     * @param downFor roll back when down longer than this
     * @param interval how often it is probed
     * @param timeout how long one probe may take
     */
    public record HealthTrigger(boolean enabled, String path, Duration downFor, Duration interval, Duration timeout) {
    }

    /**
     * @param enabled whether armed
     * @param threshold the 5xx fraction that fires it (0.05 = 5%)
     * @param window the trailing window
     * @param interval how often it is read
     * @param minimumRequests fewer requests is no data
     * @param noData {@code hold}, {@code fail} or {@code ignore}
     * @param holdLimit how much longer a step is held for data
     * @param onReadError {@code hold-then-rollback}, {@code rollback} or {@code promote-with-note}: what a failed
     *     read of the error rate means at a step's end
     * @param source {@code metrics} (Azure Monitor's {@code Requests} metric of the app) or {@code logs} (a KQL query
     *     on a Log Analytics workspace)
     * @param logs with source {@code logs}: the workspace and query
     */
    public record ErrorRate(boolean enabled, double threshold, Duration window, Duration interval,
            long minimumRequests, String noData, Duration holdLimit, String onReadError, String source,
            Optional<Logs> logs) {
    }

    /**
     * The error rate read from a Log Analytics workspace ({@code rollback.errorRate.source: logs}).
     *
     * @param workspaceId the workspace's id (a GUID)
     * @param query the KQL query, with its placeholders (from {@code query} or the file {@code queryFile})
     * @param querySource where the query came from, for messages: the key or the file
     * @param ingestionDelay how far back the interval read is shifted from the trigger's window
     * @param endpoint the query API's root override (sovereign clouds, tests)
     * @param requestTimeout how long one query may run
     * @param tokenVariable an environment variable holding a Log Analytics access token (required when
     *     {@code azure.credential.type} is environment: the Resource Manager token is never sent to Log Analytics)
     */
    public record Logs(String workspaceId, String query, String querySource, Duration ingestionDelay,
            Optional<URI> endpoint, Duration requestTimeout, Optional<String> tokenVariable) {
    }

    /**
     * @param steps the new revision's weights, ending at 100
     * @param stepPause how long each intermediate step is observed
     * @param approvalBefore the steps that wait for a person's approval first
     * @param approvals how approvals are asked and how long they may take
     */
    public record Traffic(List<Integer> steps, Duration stepPause, List<Integer> approvalBefore,
            Approvals approvals) {
    }

    /**
     * Manual approval through a protected GitHub environment.
     *
     * @param timeout how long a step waits for a decision
     * @param onTimeout {@code reject} or {@code approve}
     * @param workflow the approval workflow's file
     * @param environment the protected environment its job targets
     */
    public record Approvals(Duration timeout, String onTimeout, String workflow, String environment) {
    }

    /**
     * @param deployRunInterval how often the deploy run is polled
     * @param deployTimeout how long the deploy run may take
     * @param revisionInterval how often the new revision is polled
     * @param revisionReadyTimeout how long the new revision may take to be ready
     */
    public record Polling(Duration deployRunInterval, Duration deployTimeout, Duration revisionInterval,
            Duration revisionReadyTimeout) {
    }

    /**
     * The {@code migrations:} section.
     *
     * @param paths GitHub filter patterns: a changed file matching them makes the release a migration release
     * @param labels pull-request labels that make it one (case-insensitive)
     * @param withoutRollbackHook {@code warn} or {@code roll-forward-only}: what a migration release with no
     *     migration-rollback hook does
     */
    public record Migrations(List<String> paths, List<String> labels, String withoutRollbackHook) {
        /** Copies. */
        public Migrations {
            paths = List.copyOf(paths);
            labels = List.copyOf(labels);
        }
    }

    /**
     * @param directory a directory for the file store
     * @param blob a Blob container instead
     * @param template the team's evidence template the Markdown evidence is filled from ({@code evidence.template},
     *     or {@code .ops/templates/release-evidence.md} when it exists), parsed
     */
    public record Evidence(Optional<Path> directory, Optional<Blob> blob,
            Optional<io.releasepipeline.evidence.EvidenceTemplate> template) {
    }

    /**
     * @param endpoint the Blob service endpoint (with the default credential chain, or {@code tokenVariable})
     * @param connectionStringVariable an environment variable holding a connection string instead
     * @param container the container
     * @param tokenVariable with {@code endpoint}: an environment variable holding a storage access token (required
     *     when {@code azure.credential.type} is environment: the Resource Manager token is never sent to storage)
     */
    public record Blob(Optional<URI> endpoint, Optional<String> connectionStringVariable, String container,
            Optional<String> tokenVariable) {
    }

    /**
     * The {@code hooks:} section: the hooks of each point, in the order written.
     *
     * @param beforeMerge {@code hooks.beforeMerge}: run once the gates passed, before the merge; a failure vetoes
     * @param afterPromotion {@code hooks.afterPromotion}
     * @param onRollback {@code hooks.onRollback}
     * @param onFreeze {@code hooks.onFreeze}
     * @param migrationRollback {@code hooks.migrationRollback}: run on rollback of a release with a migration
     */
    public record Hooks(List<Hook> beforeMerge, List<Hook> afterPromotion, List<Hook> onRollback,
            List<Hook> onFreeze, List<Hook> migrationRollback) {

        /** Copies the lists. */
        public Hooks {
            beforeMerge = List.copyOf(beforeMerge);
            afterPromotion = List.copyOf(afterPromotion);
            onRollback = List.copyOf(onRollback);
            onFreeze = List.copyOf(onFreeze);
            migrationRollback = List.copyOf(migrationRollback);
        }

        /** No hooks. */
        public static Hooks none() {
            return new Hooks(List.of(), List.of(), List.of(), List.of(), List.of());
        }

        /** Every webhook's secret variable, in order. */
        public List<String> secretVariables() {
            return java.util.stream.Stream.of(beforeMerge, afterPromotion, onRollback, onFreeze, migrationRollback)
                    .flatMap(List::stream).flatMap(h -> h.webhook().stream()).map(WebhookSettings::secretVariable)
                    .toList();
        }
    }

    /**
     * One hook: exactly one of {@code webhook}, {@code workflow} and {@code command} is present.
     *
     * @param path where it is written, e.g. {@code hooks.onRollback[0]}, for messages
     * @param name its name in records and reports
     * @param timeout how long one run may take, every retry included
     * @param webhook an HTTP webhook
     * @param workflow a GitHub workflow dispatch
     * @param command a local command
     */
    public record Hook(String path, String name, Duration timeout, Optional<WebhookSettings> webhook,
            Optional<WorkflowSettings> workflow, Optional<CommandSettings> command) {

        /** Its kind, as its key is written: {@code webhook}, {@code workflow} or {@code command}. */
        public String kind() {
            return webhook.isPresent() ? "webhook" : workflow.isPresent() ? "workflow" : "command";
        }
    }

    /**
     * @param url where the signed JSON is POSTed
     * @param secretVariable the environment variable holding the shared secret
     * @param retries attempts after the first
     * @param attemptTimeout one attempt's time
     */
    public record WebhookSettings(URI url, String secretVariable, int retries, Duration attemptTimeout) {
    }

    /**
     * @param file the workflow's file name under {@code .github/workflows}
     * @param ref the branch or tag it runs on
     * @param inputs the inputs sent besides the delivery id, values with {@code ${placeholders}}
     * @param pollInterval how often its run is polled
     */
    public record WorkflowSettings(String file, String ref, java.util.Map<String, String> inputs,
            Duration pollInterval) {
        /** Copies the inputs. */
        public WorkflowSettings {
            inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        }
    }

    /**
     * @param run the program and its arguments (no shell)
     * @param directory the working directory, relative to where the CLI runs
     */
    public record CommandSettings(List<String> run, Optional<Path> directory) {
        /** Copies the list. */
        public CommandSettings {
            run = List.copyOf(run);
        }
    }
}
