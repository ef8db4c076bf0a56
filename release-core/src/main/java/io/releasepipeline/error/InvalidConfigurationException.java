package io.releasepipeline.error;

import io.releasepipeline.format.Redaction;
import java.util.List;

/**
 * A configuration was rejected. Lists every problem at once, each as {@code path: what is wrong}, so that the
 * order of builder calls or config keys never matters and one round trip fixes everything.
 */
public class InvalidConfigurationException extends ReleaseException {

    private static final long serialVersionUID = 1L;

    /** Every problem, credentials masked. */
    private final List<String> problems;

    /**
     * Creates the exception from a non-empty list of problems. A credential quoted in a problem (a token pasted
     * where a value belongs, a URL with a password) is masked ({@link Redaction}), in the message and in
     * {@link #problems()}.
     *
     * @param subject what was being configured, e.g. {@code release pipeline}
     * @param problems every problem, not empty
     */
    public InvalidConfigurationException(String subject, List<String> problems) {
        super(format(subject, problems));
        this.problems = List.copyOf(problems.stream().map(Redaction::credentials).toList());
    }

    /**
     * Every problem found, each as {@code path: what is wrong, and how to fix it}, credentials masked.
     *
     * @return every problem found, each as {@code path: what is wrong, and how to fix it}, credentials masked
     */
    public List<String> problems() {
        return problems;
    }

    private static String format(String subject, List<String> problems) {
        StringBuilder sb = new StringBuilder(subject).append(" is invalid (").append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
