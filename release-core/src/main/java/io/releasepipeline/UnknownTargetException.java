package io.releasepipeline;

import io.releasepipeline.error.ReleaseException;
import java.util.List;
import java.util.Objects;

/**
 * A revision or a release was named that does not exist: a usage mistake (a typo), found before anything was changed
 * or recorded. The message lists what does exist, so the person can pick the right name.
 */
public class UnknownTargetException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /** What was named. */
    public enum Kind {
        /** A revision of the app, e.g. {@code rollback --to}. */
        REVISION,
        /** A release to resume. */
        RELEASE
    }

    /** What was named. */
    private final Kind kind;
    /** The name given. */
    private final String name;
    /** The names that exist. */
    private final List<String> known;

    /**
     * @param kind what was named
     * @param app the app
     * @param name the name given
     * @param known what exists: the app's revisions (newest first), or the releases that can be resumed
     */
    public UnknownTargetException(Kind kind, String app, String name, List<String> known) {
        super(message(kind, app, name, known));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
    }

    private static String message(Kind kind, String app, String name, List<String> known) {
        Objects.requireNonNull(kind, "kind");
        return switch (kind) {
            case REVISION -> "no revision '" + name + "' of " + app + "; nothing was changed; its revisions"
                    + " (newest first): " + (known.isEmpty() ? "none" : String.join(", ", known));
            case RELEASE -> "no release '" + name + "' of " + app + " to resume (it has no journal); nothing was "
                    + "changed; releases that can be resumed: " + (known.isEmpty() ? "none" : String.join(", ", known));
        };
    }

    /**
     * What was named.
     *
     * @return what was named
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The name given.
     *
     * @return the name given
     */
    public String name() {
        return name;
    }

    /**
     * What exists instead: the app's revisions (newest first), or the releases that can be resumed.
     *
     * @return what exists instead: the app's revisions (newest first), or the releases that can be resumed
     */
    public List<String> known() {
        return known;
    }
}
