package io.releasepipeline.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.error.ProviderException;
import io.releasepipeline.format.Format;
import io.releasepipeline.format.SafeText;
import io.releasepipeline.github.internal.GitHubClient;
import io.releasepipeline.github.internal.GitHubRequest;
import io.releasepipeline.github.internal.GitHubResponse;
import io.releasepipeline.hook.HookContext;
import io.releasepipeline.hook.HookResult;
import io.releasepipeline.hook.Hooks;
import io.releasepipeline.hook.ReleaseHook;
import io.releasepipeline.time.ReleaseClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook that runs a GitHub Actions workflow ({@code on: workflow_dispatch}) and waits for its run to complete: e.g.
 * the migration-rollback workflow on rollback.
 *
 * <p><b>What the workflow must declare.</b> A {@code workflow_dispatch} input for the delivery id ({@value
 * #DEFAULT_DELIVERY_ID_INPUT} unless {@linkplain Builder#deliveryIdInput(String) renamed}), which this hook always
 * sends, and a {@code run-name} that carries it, e.g.
 * <pre>{@code
 * on:
 *   workflow_dispatch:
 *     inputs:
 *       delivery_id: {required: true, type: string}
 *       release_id: {required: true, type: string}
 * run-name: "migration rollback ${{ inputs.delivery_id }}"
 * }</pre>
 * The run's name is how the hook finds the run it started (GitHub lists runs with their {@code display_title}, not
 * their inputs), and how a resumed release finds a run an interrupted one started. Every other input is one the user
 * {@linkplain Builder#input(String, String) configured}; GitHub refuses with 422 an input the workflow does not
 * declare, and the hook then says which.
 *
 * <p><b>How it runs.</b> Exactly once per delivery id:
 * <ol>
 *   <li>It lists the workflow's {@code workflow_dispatch} runs ({@code GET .../actions/workflows/{file}/runs}, the
 *       newest 100) and looks for one whose name carries the delivery id. If there is one (a resumed release running
 *       the hook again), it watches that run and dispatches nothing.</li>
 *   <li>Otherwise it dispatches: {@code POST .../actions/workflows/{file}/dispatches} with {@code ref}, the inputs,
 *       and {@code return_run_details: true}, to which GitHub answers 200 with the run's id (since February 2026). A
 *       server that answers 204 (without details), or refuses {@code return_run_details} (an older GitHub Enterprise
 *       Server: the dispatch is sent again without it), makes the hook find the run by its name, polling until it
 *       appears (within {@linkplain Builder#runAppearTimeout(Duration) a bound}). A dispatch whose answer was lost
 *       (a server error, a timeout) is never sent again: the hook looks for its run, and without one it is an
 *       {@link HookResult.Status#ERROR}.</li>
 *   <li>It polls the run ({@code GET .../actions/runs/{id}}, conditional, so an unchanged run costs no rate limit)
 *       every {@linkplain Builder#pollInterval(Duration) poll interval} until it is completed: conclusion
 *       {@code success} is {@link HookResult.Status#SUCCEEDED}; any other ({@code failure}, {@code cancelled},
 *       {@code timed_out}, ...) is {@link HookResult.Status#FAILED}; the result links the run's page.</li>
 * </ol>
 * A run not complete within the hook's {@link #timeout()} is an {@link HookResult.Status#ERROR} (the run is left
 * running, not cancelled: half a migration rollback cancelled is worse than one that finishes late). Waits go through
 * the connection's clock. The connection's token needs {@code actions: write} to dispatch.
 *
 * <p>Immutable and thread-safe.
 */
public final class GitHubWorkflowHook implements ReleaseHook {

    /** The input the delivery id is sent in: {@code delivery_id}. */
    public static final String DEFAULT_DELIVERY_ID_INPUT = "delivery_id";
    /** The ref the workflow runs on: {@code main}. */
    public static final String DEFAULT_REF = "main";
    /** The hook's whole time, dispatch to completed run: 30 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /** How often the run is polled: every 15 seconds (conditional requests: an unchanged run is free). */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);
    /** How long a dispatched run may take to show in the list when GitHub did not return its id: 2 minutes. */
    public static final Duration DEFAULT_RUN_APPEAR_TIMEOUT = Duration.ofMinutes(2);
    /** GitHub's limit on a workflow's {@code workflow_dispatch} inputs: 25. */
    public static final int MAX_INPUTS = 25;
    /**
     * The placeholders an input's value may hold, {@code ${name}}: the keys of {@link HookContext#values()} and
     * {@code hook}. An absent value (no new revision yet) is replaced by nothing.
     */
    public static final Set<String> PLACEHOLDERS = Set.of("point", "delivery_id", "release_id", "app", "environment",
            "pull_request", "sha", "stable_revision", "new_revision", "reason", "database_migration", "evidence_url",
            "hook");

    static final String PROVIDER_NAME = "github-workflow-hook";
    private static final Logger LOG = LoggerFactory.getLogger(GitHubWorkflowHook.class);
    private static final Pattern INPUT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern WORKFLOW_FILE = Pattern.compile("[A-Za-z0-9._-]+\\.ya?ml");

    private final GitHubConnection connection;
    private final GitHubClient client;
    private final String name;
    private final String workflow;
    private final String ref;
    private final Map<String, String> inputs;
    private final String deliveryIdInput;
    private final Duration timeout;
    private final Duration pollInterval;
    private final Duration runAppearTimeout;
    private final String path;

    private GitHubWorkflowHook(Builder b) {
        this.connection = b.connection;
        this.client = b.connection.client();
        this.name = b.name;
        this.workflow = b.workflow;
        this.ref = b.ref;
        this.inputs = Map.copyOf(b.inputs);
        this.deliveryIdInput = b.deliveryIdInput;
        this.timeout = b.timeout;
        this.pollInterval = b.pollInterval;
        this.runAppearTimeout = b.runAppearTimeout;
        this.path = connection.repositoryPath() + "/actions/workflows/" + GitHubClient.encode(workflow);
    }

    /**
     * A builder on {@code connection} (its token, clock, retries and rate limits); name and workflow required.
     *
     * @param connection the repository, token, clock and retries every call goes through
     * @return a new builder
     */
    public static Builder builder(GitHubConnection connection) {
        return new Builder(Objects.requireNonNull(connection, "connection"));
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code workflow}. */
    @Override
    public String kind() {
        return "workflow";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    /**
     * The workflow's file name.
     *
     * @return the workflow's file name
     */
    public String workflow() {
        return workflow;
    }

    /**
     * Finds or dispatches the delivery's run and waits for it, as the class describes. Never throws for a GitHub
     * failure: it is an {@link HookResult.Status#ERROR} naming the call.
     *
     * @throws io.releasepipeline.error.ReleaseInterruptedException if the calling thread is interrupted
     */
    @Override
    public HookResult run(HookContext context) {
        ReleaseClock clock = connection.clock();
        Instant deadline = clock.now().plus(timeout);
        String delivery = context.deliveryId();
        try {
            Optional<JsonNode> existing = findRun(delivery);
            if (existing.isPresent()) {
                LOG.info("workflow hook {}: run {} of {} for delivery {} already exists (a resumed release); "
                        + "watching it instead of dispatching again", name, existing.get().path("id").asLong(),
                        workflow, SafeText.line(delivery));
                return watch(existing.get().path("id").asLong(), deadline, clock);
            }
            Dispatch dispatch = dispatch(context);
            if (dispatch.problem != null) {
                return dispatch.problem;
            }
            if (dispatch.runId.isPresent()) {
                return watch(dispatch.runId.get(), deadline, clock);
            }
            Instant appearBy = min(clock.now().plus(runAppearTimeout), deadline);
            Duration interval = min(pollInterval, Duration.ofSeconds(5));
            while (true) {
                Optional<JsonNode> run = findRun(delivery);
                if (run.isPresent()) {
                    return watch(run.get().path("id").asLong(), deadline, clock);
                }
                if (!clock.now().plus(interval).isBefore(appearBy)) {
                    return HookResult.error(dispatch.note + ", but no run of " + workflow + " whose name carries "
                            + "delivery id " + delivery + " appeared within " + Format.duration(runAppearTimeout)
                            + "; the workflow must set run-name from inputs." + deliveryIdInput
                            + " (see the README's Hooks section)");
                }
                clock.sleep(interval);
            }
        } catch (ProviderException e) {
            return HookResult.error("workflow " + workflow + ": " + SafeText.line(e.getMessage(), 500));
        }
    }

    /** The newest {@code workflow_dispatch} run of the workflow whose name carries {@code delivery}. */
    private Optional<JsonNode> findRun(String delivery) {
        GitHubResponse response = client.send(GitHubRequest.get(PROVIDER_NAME, "findRun(" + name + ")", path
                + "/runs?event=workflow_dispatch&per_page=100"));
        JsonNode newest = null;
        for (JsonNode run : response.body().path("workflow_runs")) {
            String title = run.path("display_title").asText(run.path("name").asText(""));
            if (carries(title, delivery) && (newest == null || run.path("id").asLong() > newest.path("id").asLong())) {
                newest = run;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Whether {@code title} holds {@code delivery} as a whole word (not the start of a longer hook's id). */
    static boolean carries(String title, String delivery) {
        for (int i = title.indexOf(delivery); i >= 0; i = title.indexOf(delivery, i + 1)) {
            int end = i + delivery.length();
            boolean startOk = i == 0 || !isIdChar(title.charAt(i - 1));
            boolean endOk = end == title.length() || !isIdChar(title.charAt(end));
            if (startOk && endOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIdChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == ':';
    }

    /** The outcome of the dispatch: a run id, none (find it by name), or a final problem. */
    private record Dispatch(Optional<Long> runId, String note, HookResult problem) {
    }

    private Dispatch dispatch(HookContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ref", ref);
        body.put("inputs", inputValues(context));
        body.put("return_run_details", true);
        String op = "dispatch(" + workflow + ")";
        String call = "POST " + path.substring(path.indexOf("/actions/")) + "/dispatches";
        GitHubResponse response;
        try {
            response = send(op, body);
            if ((response.status() == 400 || response.status() == 422)
                    && response.message().toLowerCase(Locale.ROOT).contains("return_run_details")) {
                // An older GitHub Enterprise Server: nothing was dispatched; ask again the classic way.
                body.remove("return_run_details");
                response = send(op, body);
            }
        } catch (ProviderException e) {
            if (!e.isTransient()) {
                throw e;
            }
            LOG.warn("workflow hook {}: the dispatch of {} failed ({}); it may have started a run: looking for it, "
                    + "never dispatching again", name, workflow, SafeText.line(e.getMessage()));
            return new Dispatch(Optional.empty(), "the dispatch of " + workflow + " failed ("
                    + SafeText.line(e.getMessage(), 300) + ")", null);
        }
        String said = response.message().isEmpty() ? "" : ": " + SafeText.line(response.message(),
                SafeText.FIELD_LIMIT);
        switch (response.status()) {
            case 200, 201 -> {
                long id = response.body().path("workflow_run_id").asLong(0);
                return new Dispatch(id > 0 ? Optional.of(id) : Optional.empty(), workflow + " was dispatched", null);
            }
            case 204 -> {
                return new Dispatch(Optional.empty(), workflow + " was dispatched", null);
            }
            case 404 -> {
                return new Dispatch(Optional.empty(), null, HookResult.error(call + " answered 404" + said
                        + ": there is no workflow " + workflow + " in " + connection.repository()
                        + " (give its file name under .github/workflows), or the token cannot see it"));
            }
            default -> {
                String message = response.message().toLowerCase(Locale.ROOT);
                String hint;
                if (message.contains("unexpected inputs")) {
                    hint = "the workflow does not declare every input sent (" + String.join(", ",
                            inputNames()) + "): declare them under on.workflow_dispatch.inputs of " + workflow
                            + ", or remove them from the hook's inputs (" + deliveryIdInput + " is always sent and "
                            + "must be declared)";
                } else if (message.contains("workflow_dispatch")) {
                    hint = workflow + " has no on: workflow_dispatch trigger on " + ref + "; add one";
                } else if (message.contains("ref")) {
                    hint = "check the hook's ref (" + ref + "): a branch or tag that exists";
                } else {
                    hint = "check the workflow's inputs and the hook's ref (" + ref + ")";
                }
                return new Dispatch(Optional.empty(), null, HookResult.error(call + " was refused ("
                        + response.status() + said + "); " + hint));
            }
        }
    }

    private GitHubResponse send(String op, Map<String, Object> body) {
        return client.send(GitHubRequest.write(PROVIDER_NAME, op, "POST", path + "/dispatches", body)
                .handling(400, 404, 422));
    }

    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        names.add(deliveryIdInput);
        inputs.keySet().stream().sorted().forEach(names::add);
        return names;
    }

    /** The configured inputs with their placeholders filled, and the delivery id. */
    Map<String, String> inputValues(HookContext context) {
        Map<String, String> values = new LinkedHashMap<>(context.values());
        values.put("hook", name);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(deliveryIdInput, context.deliveryId());
        inputs.keySet().stream().sorted().forEach(key -> {
            Matcher m = PLACEHOLDER.matcher(inputs.get(key));
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(m.group(1).strip(), "")));
            }
            m.appendTail(sb);
            out.put(key, sb.toString());
        });
        return out;
    }

    private HookResult watch(long runId, Instant deadline, ReleaseClock clock) {
        String target = connection.repositoryPath() + "/actions/runs/" + runId;
        String link = null;
        String status = "unknown";
        while (true) {
            try {
                JsonNode run = client.send(GitHubRequest.get(PROVIDER_NAME, "run(" + runId + ")", target)
                        .handling(404)).body();
                if (run.path("id").isMissingNode()) {
                    return HookResult.error("workflow run " + runId + " of " + workflow + " was not found (404): "
                            + "deleted, or the token cannot see it");
                }
                link = run.path("html_url").asText(null);
                status = run.path("status").asText("unknown");
                if ("completed".equals(status)) {
                    String conclusion = run.path("conclusion").asText("none");
                    HookResult result = "success".equals(conclusion)
                            ? HookResult.succeeded("workflow " + workflow + " run " + runId + " succeeded")
                            : HookResult.failed("workflow " + workflow + " run " + runId + " ended "
                                    + SafeText.line(conclusion, 40));
                    return link == null ? result : result.withLink(link);
                }
            } catch (ProviderException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                LOG.warn("workflow hook {}: reading run {} failed ({}); trying again", name, runId,
                        SafeText.line(e.getMessage()));
            }
            if (!clock.now().plus(pollInterval).isBefore(deadline)) {
                HookResult result = HookResult.error("workflow " + workflow + " run " + runId + " was still "
                        + SafeText.line(status, 40) + " when the hook's timeout of " + Format.duration(timeout)
                        + " ran out; it was left running");
                return link == null ? result : result.withLink(link);
            }
            clock.sleep(pollInterval);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The hook's name, repository, workflow, ref and input names (never values, never the token). */
    @Override
    public String toString() {
        return "GitHubWorkflowHook[" + name + ", " + connection.repository() + ", " + workflow + "@" + ref
                + ", inputs=" + inputNames() + ", timeout=" + Format.duration(timeout) + "]";
    }

    /** Configures a {@link GitHubWorkflowHook}. Not thread-safe; {@link #build()} validates all at once and copies. */
    public static final class Builder {
        private final GitHubConnection connection;
        private String name;
        private String workflow;
        private String ref = DEFAULT_REF;
        private final Map<String, String> inputs = new LinkedHashMap<>();
        private String deliveryIdInput = DEFAULT_DELIVERY_ID_INPUT;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration runAppearTimeout = DEFAULT_RUN_APPEAR_TIMEOUT;

        private Builder(GitHubConnection connection) {
            this.connection = connection;
        }

        /**
         * The hook's name (1 to 64 letters, digits, {@code .}, {@code _}, {@code -}). Required.
         *
         * @param name the hook's name (1 to 64 letters, digits, {@code .}, {@code _}, {@code -})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The workflow's file name under {@code .github/workflows}, e.g. {@code migration-rollback.yml}. Required.
         *
         * @param workflow the workflow's file name under {@code .github/workflows}, e.g. {@code
         *     migration-rollback.yml}
         * @return this builder
         */
        public Builder workflow(String workflow) {
            this.workflow = workflow;
            return this;
        }

        /**
         * The branch or tag the workflow runs on. Default {@value GitHubWorkflowHook#DEFAULT_REF}.
         *
         * @param ref the branch or tag the workflow runs on
         * @return this builder
         */
        public Builder ref(String ref) {
            this.ref = ref;
            return this;
        }

        /**
         * An input sent to the workflow, which it must declare. The value may hold {@code ${name}} placeholders from
         * {@link GitHubWorkflowHook#PLACEHOLDERS}, e.g. {@code input("release_id", "${release_id}")}.
         *
         * @param name the input's name, as the workflow declares it under {@code on.workflow_dispatch.inputs}
         * @param value the input's value, placeholders allowed
         * @return this builder
         */
        public Builder input(String name, String value) {
            inputs.put(name, value);
            return this;
        }

        /**
         * Every entry as {@link #input(String, String)}.
         *
         * @param inputs input names to values, each as {@link #input(String, String)}
         * @return this builder
         */
        public Builder inputs(Map<String, String> inputs) {
            inputs.forEach(this::input);
            return this;
        }

        /**
         * The input the delivery id is sent in. Default {@value GitHubWorkflowHook#DEFAULT_DELIVERY_ID_INPUT}.
         *
         * @param input the input the delivery id is sent in
         * @return this builder
         */
        public Builder deliveryIdInput(String input) {
            this.deliveryIdInput = input;
            return this;
        }

        /**
         * The hook's whole time, dispatch to completed run. Default {@link #DEFAULT_TIMEOUT}.
         *
         * @param timeout the hook's whole time, dispatch to completed run
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * How often the run is polled. Default {@link #DEFAULT_POLL_INTERVAL}.
         *
         * @param pollInterval how often the run is polled
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * How long a dispatched run may take to appear in the list, when GitHub did not return its id. Default
         * {@link #DEFAULT_RUN_APPEAR_TIMEOUT}.
         *
         * @param runAppearTimeout how long a dispatched run may take to appear in the list, when GitHub did not return
         *     its id
         * @return this builder
         */
        public Builder runAppearTimeout(Duration runAppearTimeout) {
            this.runAppearTimeout = runAppearTimeout;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return a new {@code GitHubWorkflowHook} with this builder's settings
         * @throws InvalidConfigurationException listing every problem at once
         */
        public GitHubWorkflowHook build() {
            List<String> problems = problems(name, workflow, ref, inputs, deliveryIdInput);
            positive(problems, "timeout", timeout);
            positive(problems, "pollInterval", pollInterval);
            positive(problems, "runAppearTimeout", runAppearTimeout);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException("GitHubWorkflowHook", problems);
            }
            return new GitHubWorkflowHook(this);
        }

        private static void positive(List<String> problems, String key, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                problems.add(key + ": must be positive, got " + d);
            }
        }
    }

    /**
     * What is wrong with a workflow hook's settings, each as {@code key: problem}; empty when valid. For callers that
     * validate a configuration before they have a connection (the CLI's {@code release.yaml}).
     *
     * @param name the hook's name
     * @param workflow the workflow's file name under {@code .github/workflows}, e.g. {@code migration-rollback.yml}
     * @param ref the branch or tag the workflow runs on, e.g. {@code main}
     * @param inputs the inputs sent to the workflow
     * @param deliveryIdInput the input that carries the hook delivery's id
     * @return what is wrong with a workflow hook's settings, each as {@code key: problem}; empty when valid
     */
    public static List<String> problems(String name, String workflow, String ref, Map<String, String> inputs,
            String deliveryIdInput) {
        List<String> problems = new ArrayList<>();
        if (!Hooks.isValidName(name)) {
            problems.add("name: must be 1 to 64 letters, digits, '.', '_' or '-', got " + shown(name));
        }
        if (workflow == null || !WORKFLOW_FILE.matcher(workflow).matches()) {
            problems.add("workflow: must be the workflow's file name under .github/workflows, e.g. "
                    + "migration-rollback.yml, got " + shown(workflow));
        }
        if (ref == null || ref.isBlank() || ref.chars().anyMatch(c -> c <= ' ' || c == '~' || c == '^' || c == ':')) {
            problems.add("ref: must be a branch or tag name, e.g. main, got " + shown(ref));
        }
        if (deliveryIdInput == null || !INPUT.matcher(deliveryIdInput).matches()) {
            problems.add("deliveryIdInput: must be an input name (a letter or '_', then letters, digits, '-' or "
                    + "'_'), got " + shown(deliveryIdInput));
        }
        if (inputs.size() + 1 > MAX_INPUTS) {
            problems.add("inputs: GitHub takes at most " + MAX_INPUTS + " inputs, and the delivery id is one; got "
                    + inputs.size() + " more");
        }
        inputs.forEach((key, value) -> {
            if (key == null || !INPUT.matcher(key).matches()) {
                problems.add("inputs: \"" + SafeText.line(String.valueOf(key), 80) + "\" is not an input name (a "
                        + "letter or '_', then letters, digits, '-' or '_')");
                return;
            }
            if (key.equalsIgnoreCase(String.valueOf(deliveryIdInput))) {
                problems.add("inputs." + key + ": is the delivery id input, which the hook always fills; remove it");
            }
            if (value == null) {
                problems.add("inputs." + key + ": must have a value");
                return;
            }
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1).strip())) {
                    problems.add("inputs." + key + ": unknown placeholder ${" + SafeText.line(m.group(1), 40)
                            + "}; known: " + String.join(", ", PLACEHOLDERS.stream().sorted().toList()));
                }
            }
        });
        return problems;
    }

    /** A configured value for a problem line: quoted, one safe line of at most 80 characters, or "nothing". */
    private static String shown(String value) {
        return value == null ? "nothing" : "\"" + SafeText.line(value, 80) + "\"";
    }
}
