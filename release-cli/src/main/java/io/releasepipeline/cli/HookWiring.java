package io.releasepipeline.cli;

import io.releasepipeline.ReleasePipelineBuilder;
import io.releasepipeline.cli.config.CliConfig;
import io.releasepipeline.cli.hook.CommandHook;
import io.releasepipeline.error.InvalidConfigurationException;
import io.releasepipeline.format.VariableNames;
import io.releasepipeline.hook.HookPoint;
import io.releasepipeline.hook.ReleaseHook;
import io.releasepipeline.hook.WebhookHook;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns {@code release.yaml}'s {@code hooks:} into hooks on the pipeline builder: webhooks with their secret read from
 * the named environment variable, workflow hooks from the provider factory (on the GitHub connection), command hooks
 * that do not inherit the credentials the config names and keep their state where {@link #commandStateDirectory}
 * says. Every problem (a secret variable not set, a secret too short, a working directory that does not exist) is
 * collected and thrown at once, before the pipeline exists and so before any side effect. Stateless.
 */
final class HookWiring {

    private HookWiring() {
    }

    /**
     * Adds the config's hooks to {@code b}, in the order written.
     *
     * @throws InvalidConfigurationException listing every problem, secrets never quoted
     */
    static void apply(ReleasePipelineBuilder b, CliConfig config, ProviderFactory factory,
            Function<String, String> environment) {
        CliConfig.Hooks hooks = config.hooks();
        List<String> problems = new ArrayList<>();
        Set<String> credentials = credentialVariables(config);
        BiConsumer<List<CliConfig.Hook>, Consumer<ReleaseHook>> addAll = (list, to) -> list.forEach(h -> add(h, to,
                config, factory, environment, credentials, problems));
        addAll.accept(hooks.beforeMerge(), h -> b.hook(HookPoint.BEFORE_MERGE, h));
        addAll.accept(hooks.afterPromotion(), h -> b.hook(HookPoint.AFTER_PROMOTION, h));
        addAll.accept(hooks.onRollback(), h -> b.hook(HookPoint.ON_ROLLBACK, h));
        addAll.accept(hooks.onFreeze(), h -> b.hook(HookPoint.ON_FREEZE, h));
        addAll.accept(hooks.migrationRollback(), b::migrationRollbackHook);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("release configuration", problems);
        }
    }

    private static void add(CliConfig.Hook h, Consumer<ReleaseHook> to, CliConfig config, ProviderFactory factory,
            Function<String, String> environment, Set<String> credentials, List<String> problems) {
        try {
            if (h.webhook().isPresent()) {
                webhook(h, environment, problems).ifPresent(to);
            } else if (h.workflow().isPresent()) {
                to.accept(factory.workflowHook(config, h));
            } else if (h.command().isPresent()) {
                CliConfig.CommandSettings c = h.command().get();
                to.accept(CommandHook.builder().name(h.name()).command(c.run())
                        .directory(c.directory().orElse(null)).timeout(h.timeout())
                        .removeVariables(credentials).stateDirectory(commandStateDirectory(config)).build());
            }
        } catch (InvalidConfigurationException e) {
            e.problems().forEach(p -> problems.add(p.startsWith("github") || p.startsWith("hooks.")
                    ? p : h.path() + "." + h.kind() + "." + p));
        }
    }

    private static java.util.Optional<ReleaseHook> webhook(CliConfig.Hook h, Function<String, String> environment,
            List<String> problems) {
        CliConfig.WebhookSettings w = h.webhook().get();
        String variable = w.secretVariable();
        String secret = environment.apply(variable);
        String path = h.path() + ".webhook.secretVariable";
        if (secret == null || secret.isEmpty()) {
            problems.add(path + ": environment variable " + VariableNames.shown(variable) + " is not set or empty; "
                    + "export the webhook's shared secret in it (e.g. openssl rand -hex 32, the same value the "
                    + "receiver verifies with)");
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(WebhookHook.builder().name(h.name()).url(w.url()).secret(secret)
                    .retries(w.retries()).attemptTimeout(w.attemptTimeout()).timeout(h.timeout()).build());
        } catch (InvalidConfigurationException e) {
            e.problems().forEach(p -> problems.add(p.startsWith("secret:")
                    ? path + ": the value of " + VariableNames.shown(variable) + p.substring("secret".length())
                    : h.path() + ".webhook." + p));
            return java.util.Optional.empty();
        }
    }

    /**
     * Where command hooks keep each delivery's state: {@code .hooks} in the evidence directory of a file store (next to
     * the journal a resume reads), else {@link CommandHook#DEFAULT_STATE_DIRECTORY} in the working directory.
     */
    static java.nio.file.Path commandStateDirectory(CliConfig config) {
        return config.evidence().blob().isEmpty() && config.evidence().directory().isPresent()
                ? config.evidence().directory().get().resolve(".hooks")
                : CommandHook.DEFAULT_STATE_DIRECTORY;
    }

    /**
     * Every environment variable the config names for a credential: a command hook does not inherit them. Other
     * variables of the CLI's environment are inherited, as a shell would pass them.
     */
    static Set<String> credentialVariables(CliConfig config) {
        Set<String> names = new LinkedHashSet<>();
        names.add(config.github().tokenVariable());
        config.azure().tokenVariable().ifPresent(names::add);
        config.evidence().blob().ifPresent(blob -> {
            blob.connectionStringVariable().ifPresent(names::add);
            blob.tokenVariable().ifPresent(names::add);
        });
        names.addAll(config.hooks().secretVariables());
        return names;
    }
}
