package io.releasepipeline.hook;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The hooks of a pipeline, by point, in the order they were added; immutable. A migration-rollback hook runs at
 * {@link HookPoint#ON_ROLLBACK} only for a release that carries a database migration.
 */
public final class Hooks {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Hooks NONE = new Hooks(new EnumMap<>(HookPoint.class), List.of());

    private final Map<HookPoint, List<ReleaseHook>> byPoint;
    private final List<ReleaseHook> migrationRollback;

    private Hooks(Map<HookPoint, List<ReleaseHook>> byPoint, List<ReleaseHook> migrationRollback) {
        EnumMap<HookPoint, List<ReleaseHook>> copy = new EnumMap<>(HookPoint.class);
        byPoint.forEach((p, l) -> copy.put(p, List.copyOf(l)));
        this.byPoint = copy;
        this.migrationRollback = List.copyOf(migrationRollback);
    }

    /**
     * True when {@code name} is a valid hook name: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -} (it is
     * part of the delivery id, a workflow's run name and a command's environment). One rule for every hook kind.
     *
     * @param name the name, or null
     * @return true when {@code name} is a valid hook name: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
     *     (it is part of the delivery id, a workflow's run name and a command's environment)
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * No hooks.
     *
     * @return no hooks
     */
    public static Hooks none() {
        return NONE;
    }

    /**
     * These hooks and {@code hook} at {@code point}, after the others there.
     *
     * @param point when the hook runs
     * @param hook the hook
     * @return a new {@code Hooks}; this one is unchanged
     */
    public Hooks with(HookPoint point, ReleaseHook hook) {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(hook, "hook");
        EnumMap<HookPoint, List<ReleaseHook>> next = new EnumMap<>(HookPoint.class);
        next.putAll(byPoint);
        List<ReleaseHook> list = new ArrayList<>(at(point));
        list.add(hook);
        next.put(point, list);
        return new Hooks(next, migrationRollback);
    }

    /**
     * These hooks and {@code hook} run on rollback of a release that carries a database migration.
     *
     * @param hook the hook that undoes the migration
     * @return a new {@code Hooks}; this one is unchanged
     */
    public Hooks withMigrationRollback(ReleaseHook hook) {
        Objects.requireNonNull(hook, "hook");
        List<ReleaseHook> list = new ArrayList<>(migrationRollback);
        list.add(hook);
        return new Hooks(byPoint, list);
    }

    /**
     * The hooks at {@code point}, in order (migration-rollback hooks not included).
     *
     * @param point the hook point
     * @return the hooks at {@code point}, in order (migration-rollback hooks not included)
     */
    public List<ReleaseHook> at(HookPoint point) {
        return byPoint.getOrDefault(point, List.of());
    }

    /**
     * The hooks that undo a database migration on rollback.
     *
     * @return the hooks that undo a database migration on rollback
     */
    public List<ReleaseHook> migrationRollback() {
        return migrationRollback;
    }

    /**
     * True when there is no hook at all.
     *
     * @return true when there is no hook at all
     */
    public boolean isEmpty() {
        return migrationRollback.isEmpty() && byPoint.values().stream().allMatch(List::isEmpty);
    }

    /**
     * What is wrong with these hooks, each prefixed with {@code key}; empty when valid.
     *
     * @param key the configuration key problems are prefixed with
     * @return what is wrong with these hooks, each prefixed with {@code key}; empty when valid
     */
    public List<String> problems(String key) {
        List<String> problems = new ArrayList<>();
        for (HookPoint point : HookPoint.values()) {
            List<ReleaseHook> hooks = new ArrayList<>(at(point));
            if (point == HookPoint.ON_ROLLBACK) {
                hooks.addAll(migrationRollback);
            }
            List<String> names = new ArrayList<>();
            for (ReleaseHook h : hooks) {
                String name = h.name();
                if (!isValidName(name)) {
                    problems.add(key + ": a hook at " + point + " is named \"" + name + "\"; use 1 to 64 letters, "
                            + "digits, '.', '_' or '-'");
                } else if (names.contains(name)) {
                    problems.add(key + ": two hooks at " + point + " are named \"" + name + "\"; names must be "
                            + "unique per point");
                }
                names.add(name);
                java.time.Duration t = h.timeout();
                if (t == null || t.isZero() || t.isNegative()) {
                    problems.add(key + ": hook \"" + name + "\" at " + point + " needs a positive timeout, got " + t);
                }
            }
        }
        return problems;
    }
}
