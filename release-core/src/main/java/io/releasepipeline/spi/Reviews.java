package io.releasepipeline.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reviewers' verdicts on a pull request: for each reviewer, their latest opinionated review (approve or
 * request changes); comments and pending reviews are not verdicts, and a dismissed review withdraws its verdict.
 *
 * <p>Only the verdicts of reviewers who may write to the repository count, as on GitHub, where branch protection
 * counts approvals and change requests only from people with write access: on a public repository anyone can
 * approve. The verdicts that did not count are in {@link #notCounted()}, each with the reason, so the reviews gate
 * can say whose approval counted and whose did not. Immutable.
 *
 * @param approvedBy reviewers with write access whose latest verdict approves (and, when the provider was asked for
 *     the head commit only, approves that commit)
 * @param changesRequestedBy reviewers with write access whose latest verdict requests changes, on any commit
 * @param roles the role by which each counted reviewer may write, by login (e.g. {@code write}, {@code maintain},
 *     {@code admin}, or a custom role); empty for a reviewer whose provider does not say
 * @param notCounted the latest verdicts that did not count, in the order the reviews were given
 */
public record Reviews(List<String> approvedBy, List<String> changesRequestedBy, Map<String, String> roles,
        List<NotCounted> notCounted) {

    /**
     * Copies; {@code null} is empty.
     *
     * @param approvedBy reviewers with write access whose latest verdict approves (and, when the provider was asked
     *     for the head commit only, approves that commit)
     * @param changesRequestedBy reviewers with write access whose latest verdict requests changes, on any commit
     * @param roles the role by which each counted reviewer may write, by login (e.g. {@code write}, {@code maintain},
     *     {@code admin}, or a custom role); empty for a reviewer whose provider does not say
     * @param notCounted the latest verdicts that did not count, in the order the reviews were given
     */
    public Reviews {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
        changesRequestedBy = changesRequestedBy == null ? List.of() : List.copyOf(changesRequestedBy);
        roles = roles == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        notCounted = notCounted == null ? List.of() : List.copyOf(notCounted);
    }

    /**
     * Verdicts that all count, with no role known and nothing left out: what a provider that cannot tell who may
     * write reports.
     *
     * @param approvedBy reviewers with write access whose latest verdict approves (and, when the provider was asked
     *     for the head commit only, approves that commit)
     * @param changesRequestedBy reviewers with write access whose latest verdict requests changes, on any commit
     */
    public Reviews(List<String> approvedBy, List<String> changesRequestedBy) {
        this(approvedBy, changesRequestedBy, Map.of(), List.of());
    }

    /**
     * No reviews at all.
     *
     * @return no reviews at all
     */
    public static Reviews none() {
        return new Reviews(List.of(), List.of());
    }

    /**
     * Tallies a pull request's review history: each reviewer's latest verdict, judged by the rules every provider
     * shares (the reviews gate's decision table):
     * <ul>
     * <li>{@link State#COMMENTED} and {@link State#PENDING} reviews are no verdict; a {@link State#DISMISSED} review
     * withdraws the reviewer's verdict.</li>
     * <li>When {@code headSha} is present, a latest approval given on another commit does not count (it is in
     * {@link #notCounted()}, with the commit); a latest request for changes counts on any commit: it does not go
     * stale with a push, only with that reviewer's approval or a dismissal.</li>
     * <li>A verdict counts only if {@code access} says the reviewer may write; otherwise it is in
     * {@link #notCounted()} with {@code access}'s reason. {@code access} is asked at most once per reviewer, and only
     * for verdicts that would otherwise count.</li>
     * </ul>
     *
     * @param history the reviews as submitted, oldest first
     * @param headSha the head commit, when only approvals of it count
     * @param access who may write; may block on I/O
     * @return the tally
     * @throws RuntimeException whatever {@code access} throws (e.g. a
     *     {@link io.releasepipeline.error.ProviderException} when a permission cannot be read): a tally never guesses
     */
    public static Reviews fromHistory(List<Submitted> history, Optional<String> headSha, AccessLookup access) {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(access, "access");
        Map<String, Submitted> latest = new LinkedHashMap<>();
        for (Submitted review : history) {
            switch (review.state()) {
                case APPROVED, CHANGES_REQUESTED, DISMISSED -> {
                    // Re-inserted so that the order is that of each reviewer's latest verdict.
                    latest.remove(review.reviewerId());
                    latest.put(review.reviewerId(), review);
                }
                default -> {
                    // COMMENTED and PENDING carry no verdict.
                }
            }
        }
        List<String> approved = new ArrayList<>();
        List<String> changesRequested = new ArrayList<>();
        Map<String, String> roles = new LinkedHashMap<>();
        List<NotCounted> notCounted = new ArrayList<>();
        for (Submitted review : latest.values()) {
            if (review.state() == State.DISMISSED) {
                continue;
            }
            Verdict verdict = review.state() == State.APPROVED ? Verdict.APPROVED : Verdict.CHANGES_REQUESTED;
            if (verdict == Verdict.APPROVED && headSha.isPresent() && !headSha.get().equals(review.commitSha())) {
                notCounted.add(new NotCounted(review.reviewer(), verdict, "given on " + shortSha(review.commitSha())
                        + ", not on the head " + shortSha(headSha.get())));
                continue;
            }
            // latest holds one verdict per reviewer, so access is asked at most once per reviewer.
            Access a = Objects.requireNonNull(access.of(review.reviewer()), "access lookup returned null");
            if (!a.mayWrite()) {
                notCounted.add(new NotCounted(review.reviewer(), verdict, a.reason()));
                continue;
            }
            (verdict == Verdict.APPROVED ? approved : changesRequested).add(review.reviewer());
            roles.put(review.reviewer(), a.role());
        }
        return new Reviews(approved, changesRequested, roles, notCounted);
    }

    private static String shortSha(String sha) {
        return sha.isEmpty() ? "an unknown commit" : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    /**
     * The role by which {@code reviewer}'s verdict counts, if the provider said.
     *
     * @param reviewer the reviewer's login, for people
     * @return the role by which {@code reviewer}'s verdict counts, if the provider said
     */
    public Optional<String> roleOf(String reviewer) {
        return Optional.ofNullable(roles.get(reviewer));
    }

    /** A submitted review's state, as GitHub names them. */
    public enum State {
        /** Approves. */
        APPROVED,
        /** Requests changes. */
        CHANGES_REQUESTED,
        /** Dismissed by a maintainer or a branch rule: withdraws the reviewer's verdict. */
        DISMISSED,
        /** A comment, no verdict. */
        COMMENTED,
        /** Not submitted yet, no verdict. */
        PENDING
    }

    /**
     * One review as submitted.
     *
     * @param reviewerId what identifies the reviewer (a user id; a login, when there is none)
     * @param reviewer the reviewer's login, for people
     * @param state its state
     * @param commitSha the commit it was given on; empty if unknown
     */
    public record Submitted(String reviewerId, String reviewer, State state, String commitSha) {

        /**
         * Validates.
         *
         * @param reviewerId what identifies the reviewer (a user id; a login, when there is none)
         * @param reviewer the reviewer's login, for people
         * @param state its state
         * @param commitSha the commit it was given on; empty if unknown
         */
        public Submitted {
            Objects.requireNonNull(reviewerId, "reviewerId");
            Objects.requireNonNull(reviewer, "reviewer");
            Objects.requireNonNull(state, "state");
            commitSha = commitSha == null ? "" : commitSha;
        }
    }

    /**
     * Whether a reviewer may write to the repository, so that their verdict counts.
     *
     * @param mayWrite true if it counts
     * @param role the role by which they may write, e.g. {@code maintain}; empty when they may not
     * @param reason why their verdict does not count, e.g. {@code read permission}; empty when it does
     */
    public record Access(boolean mayWrite, String role, String reason) {

        /**
         * Validates.
         *
         * @param mayWrite true if it counts
         * @param role the role by which they may write, e.g. {@code maintain}; empty when they may not
         * @param reason why their verdict does not count, e.g. {@code read permission}; empty when it does
         */
        public Access {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * A reviewer who may write, by {@code role}.
         *
         * @param role the role by which they may write, e.g. {@code maintain}; empty when they may not
         * @return a reviewer who may write, by {@code role}
         */
        public static Access writer(String role) {
            return new Access(true, role, "");
        }

        /**
         * A reviewer who may not write, and why: {@code Access.denied("read permission")}.
         *
         * @param reason why their verdict does not count, e.g. {@code read permission}; empty when it does
         * @return a reviewer who may not write, and why: {@code Access.denied("read permission")}
         */
        public static Access denied(String reason) {
            return new Access(false, "", reason);
        }
    }

    /** Who may write, asked by {@link #fromHistory} once per reviewer. */
    @FunctionalInterface
    public interface AccessLookup {

        /**
         * The reviewer's access. May block on I/O.
         *
         * @param reviewer the reviewer's login, for people
         * @return the reviewer's access
         * @throws io.releasepipeline.error.ProviderException if it cannot be read
         */
        Access of(String reviewer);
    }

    /** What a reviewer's latest verdict was. */
    public enum Verdict {
        /** The reviewer approved. */
        APPROVED,
        /** The reviewer requested changes. */
        CHANGES_REQUESTED
    }

    /**
     * A reviewer's latest verdict that did not count.
     *
     * @param reviewer the reviewer's login
     * @param verdict what they said
     * @param reason why it did not count, for people, e.g. {@code read permission} or {@code given on 0000001, not
     *     on the head 6dcb09b}
     */
    public record NotCounted(String reviewer, Verdict verdict, String reason) {

        /**
         * Validates.
         *
         * @param reviewer the reviewer's login, for people
         * @param verdict what they said
         * @param reason why their verdict does not count, e.g. {@code read permission}; empty when it does
         */
        public NotCounted {
            Objects.requireNonNull(reviewer, "reviewer");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
