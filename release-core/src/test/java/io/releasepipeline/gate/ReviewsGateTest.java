package io.releasepipeline.gate;

import static io.releasepipeline.spi.Reviews.State.APPROVED;
import static io.releasepipeline.spi.Reviews.State.CHANGES_REQUESTED;
import static io.releasepipeline.spi.Reviews.State.COMMENTED;
import static io.releasepipeline.spi.Reviews.State.DISMISSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.evidence.GateResult;
import io.releasepipeline.evidence.GateStatus;
import io.releasepipeline.evidence.ReleaseRecord;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.Incident;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reviews gate over {@link Reviews#fromHistory}, the tally every provider shares: a review history as GitHub
 * lists it (oldest first), each reviewer's repository role, and what the gate says.
 */
class ReviewsGateTest {

    static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    static final String OLD = "0000000000000000000000000000000000000001";

    private final List<Reviews.Submitted> history = new ArrayList<>();
    /** Roles as GitHub's collaborator permission API names them; unlisted reviewers are not collaborators. */
    private final Map<String, String> roles = new HashMap<>();
    private final List<String> asked = new ArrayList<>();

    private void review(String reviewer, Reviews.State state, String commit) {
        history.add(new Reviews.Submitted("id-" + reviewer, reviewer, state, commit));
    }

    /** What a provider that checks write access answers, asking {@link #roles}. */
    private Reviews tally(boolean headOnly) {
        return Reviews.fromHistory(history, headOnly ? Optional.of(HEAD) : Optional.empty(), reviewer -> {
            asked.add(reviewer);
            String role = roles.getOrDefault(reviewer, "none");
            return Set.of("admin", "maintain", "write").contains(role) ? Reviews.Access.writer(role)
                    : Reviews.Access.denied(role.equals("none") ? "no access to the repository" : role + " permission");
        });
    }

    private GateResult gate(int minimum, boolean headOnly) {
        Gate gate = headOnly ? Gates.minimumApprovalsOnHead(minimum) : Gates.minimumApprovals(minimum);
        return gate.evaluate(new ReviewsOnly(() -> tally(headOnly), headOnly));
    }

    @Nested
    @DisplayName("only reviewers with write access count")
    class WriteAccess {

        @Test
        @DisplayName("an approval from a reader, a triager or a stranger does not count, and the reason names whose "
                + "approval counted (with the role) and whose did not, and why")
        void approvalsFromReadersDoNotCount() {
            roles.putAll(Map.of("alice", "write", "bob", "read", "carol", "triage", "erin", "maintain"));
            review("alice", APPROVED, HEAD);
            review("bob", APPROVED, HEAD);
            review("carol", APPROVED, HEAD);
            review("mallory", APPROVED, HEAD);

            GateResult one = gate(1, false);
            GateResult two = gate(2, false);

            assertThat(one.status()).isEqualTo(GateStatus.PASS);
            assertThat(one.reason()).isEqualTo("1 approving review, 1 required: approved by alice (write); "
                    + "bob's approval not counted: read permission; carol's approval not counted: triage permission; "
                    + "mallory's approval not counted: no access to the repository");
            assertThat(two.status()).as("three approvals from people who may not write make no second one")
                    .isEqualTo(GateStatus.FAIL);
            assertThat(two.reason()).startsWith("1 approving review, 2 required: approved by alice (write); ");
        }

        @Test
        @DisplayName("approvals only from people who may not write fail the gate, naming them")
        void onlyReaders() {
            roles.put("bob", "read");
            review("bob", APPROVED, HEAD);

            GateResult result = gate(1, false);

            assertThat(result.status()).isEqualTo(GateStatus.FAIL);
            assertThat(result.reason()).isEqualTo("0 approving reviews, 1 required; bob's approval not counted: "
                    + "read permission");
        }

        @Test
        @DisplayName("a request for changes from someone who may not write does not block (as GitHub's branch "
                + "protection), and is named; one from a writer blocks, named with the role")
        void changesRequestedByAReader() {
            roles.putAll(Map.of("alice", "write", "dave", "triage", "erin", "admin"));
            review("alice", APPROVED, HEAD);
            review("dave", CHANGES_REQUESTED, HEAD);

            GateResult reader = gate(1, false);
            review("erin", CHANGES_REQUESTED, HEAD);
            GateResult writer = gate(1, false);

            assertThat(reader.status()).isEqualTo(GateStatus.PASS);
            assertThat(reader.reason()).isEqualTo("1 approving review, 1 required: approved by alice (write); "
                    + "dave's request for changes not counted: triage permission");
            assertThat(writer.status()).isEqualTo(GateStatus.FAIL);
            assertThat(writer.reason()).isEqualTo("changes requested by erin (admin); address them and get a new "
                    + "review; dave's request for changes not counted: triage permission");
        }

        @Test
        @DisplayName("each reviewer's access is asked once, and only for a verdict that could count")
        void accessAskedOncePerReviewer() {
            roles.putAll(Map.of("alice", "write", "bob", "write"));
            review("alice", APPROVED, HEAD);
            review("alice", COMMENTED, HEAD);
            review("alice", APPROVED, HEAD);
            review("bob", COMMENTED, HEAD);
            review("frank", APPROVED, HEAD);
            review("frank", DISMISSED, HEAD);

            Reviews reviews = tally(false);

            assertThat(reviews.approvedBy()).containsExactly("alice");
            assertThat(reviews.roleOf("alice")).hasValue("write");
            assertThat(reviews.notCounted()).isEmpty();
            assertThat(asked).containsExactly("alice");
        }

        @Test
        @DisplayName("an access that cannot be read fails the gate's read (the engine reports the gate as ERROR); "
                + "it is never guessed")
        void accessUnreadable() {
            review("alice", APPROVED, HEAD);
            ProviderException forbidden = ProviderException.permanent("github", "reviews(#42)",
                    "GET /repos/o/r/collaborators/alice/permission was forbidden (403)", null);

            GateContext context = new ReviewsOnly(() -> Reviews.fromHistory(history, Optional.empty(), reviewer -> {
                throw forbidden;
            }), false);

            assertThatThrownBy(() -> Gates.minimumApprovals(1).evaluate(context)).isSameAs(forbidden);
        }

        @Test
        @DisplayName("a provider that cannot tell who may write (the two-list constructor) names reviewers alone")
        void withoutRoles() {
            GateResult result = Gates.minimumApprovals(1).evaluate(new ReviewsOnly(
                    () -> new Reviews(List.of("alice"), List.of()), false));

            assertThat(result.reason()).isEqualTo("1 approving review, 1 required: approved by alice");
        }
    }

    /**
     * The decision table of {@code approvalsOnHead} (the javadoc of {@link ReviewsGate} and the README's "What an
     * approval of an older commit is worth"): each row a review history of one writer, alice, and the gate's verdict
     * with the setting off and on.
     */
    @Nested
    @DisplayName("approvalsOnHead: what an approval of an older commit is worth")
    class ApprovalsOnHead {

        static Stream<Arguments> rows() {
            return Stream.of(
                    story("approved the head", List.of(APPROVED + "@" + HEAD),
                            "PASS 1 approving review, 1 required: approved by alice (write)",
                            "PASS 1 approving review on the head commit, 1 required: approved by alice (write)"),
                    story("approved an older commit", List.of(APPROVED + "@" + OLD),
                            "PASS 1 approving review, 1 required: approved by alice (write)",
                            "FAIL 0 approving reviews on the head commit, 1 required; alice's approval not counted: "
                                    + "given on 0000000, not on the head 6dcb09b"),
                    story("requested changes on an older commit: a push does not make it stale",
                            List.of(CHANGES_REQUESTED + "@" + OLD),
                            "FAIL changes requested by alice (write); address them and get a new review",
                            "FAIL changes requested by alice (write); address them and get a new review"),
                    story("requested changes on an older commit, then approved the head",
                            List.of(CHANGES_REQUESTED + "@" + OLD, APPROVED + "@" + HEAD),
                            "PASS 1 approving review, 1 required: approved by alice (write)",
                            "PASS 1 approving review on the head commit, 1 required: approved by alice (write)"),
                    story("approved the head, then requested changes on it",
                            List.of(APPROVED + "@" + HEAD, CHANGES_REQUESTED + "@" + HEAD),
                            "FAIL changes requested by alice (write); address them and get a new review",
                            "FAIL changes requested by alice (write); address them and get a new review"),
                    story("approved an older commit, dismissed by the branch rule on the next push",
                            List.of(APPROVED + "@" + OLD, DISMISSED + "@" + OLD),
                            "FAIL 0 approving reviews, 1 required",
                            "FAIL 0 approving reviews on the head commit, 1 required"),
                    story("requested changes, then the review was dismissed",
                            List.of(CHANGES_REQUESTED + "@" + HEAD, DISMISSED + "@" + HEAD),
                            "FAIL 0 approving reviews, 1 required",
                            "FAIL 0 approving reviews on the head commit, 1 required"),
                    story("approved an older commit, then only commented on the head",
                            List.of(APPROVED + "@" + OLD, COMMENTED + "@" + HEAD),
                            "PASS 1 approving review, 1 required: approved by alice (write)",
                            "FAIL 0 approving reviews on the head commit, 1 required; alice's approval not counted: "
                                    + "given on 0000000, not on the head 6dcb09b"));
        }

        static Arguments story(String story, List<String> reviews, String anyCommit, String headOnly) {
            return Arguments.of(story, reviews, anyCommit, headOnly);
        }

        @ParameterizedTest(name = "alice {0}")
        @MethodSource("rows")
        void eachRow(String story, List<String> reviews, String anyCommit, String headOnly) {
            roles.put("alice", "write");
            for (String r : reviews) {
                String[] stateAtCommit = r.split("@");
                review("alice", Reviews.State.valueOf(stateAtCommit[0]), stateAtCommit[1]);
            }

            GateResult off = gate(1, false);
            GateResult on = gate(1, true);

            assertThat(off.status() + " " + off.reason()).as("approvalsOnHead false").isEqualTo(anyCommit);
            assertThat(on.status() + " " + on.reason()).as("approvalsOnHead true").isEqualTo(headOnly);
        }

        @Test
        @DisplayName("a reader's request for changes on an older commit blocks nothing, with or without the setting")
        void readersStaleRequestForChanges() {
            roles.putAll(Map.of("alice", "write", "bob", "read"));
            review("bob", CHANGES_REQUESTED, OLD);
            review("alice", APPROVED, HEAD);

            assertThat(gate(1, true).reason()).isEqualTo("1 approving review on the head commit, 1 required: "
                    + "approved by alice (write); bob's request for changes not counted: read permission");
            assertThat(asked).as("bob's permission was asked: his verdict would otherwise count").contains("bob");
        }

        @Test
        @DisplayName("a stale approval does not cost a permission read")
        void staleApprovalAsksNothing() {
            review("alice", APPROVED, OLD);

            gate(1, true);

            assertThat(asked).isEmpty();
        }
    }

    /** A gate context that only knows the reviews, and checks the gate asks with its own head setting. */
    private static final class ReviewsOnly implements GateContext {
        private final java.util.function.Supplier<Reviews> reviews;
        private final boolean expectedHeadOnly;

        ReviewsOnly(java.util.function.Supplier<Reviews> reviews, boolean expectedHeadOnly) {
            this.reviews = reviews;
            this.expectedHeadOnly = expectedHeadOnly;
        }

        @Override
        public String app() {
            return "backend";
        }

        @Override
        public Instant now() {
            return Instant.parse("2026-01-05T12:00:00Z");
        }

        @Override
        public PullRequest pullRequest() {
            return new PullRequest(42, "t", HEAD, "main", "", List.of(), false, PullRequest.State.OPEN,
                    Optional.of(true), Optional.empty(), "");
        }

        @Override
        public Reviews reviews(boolean headOnly) {
            assertThat(headOnly).as("the gate asks for the head only as configured").isEqualTo(expectedHeadOnly);
            return reviews.get();
        }

        @Override
        public List<CheckResult> checks() {
            return List.of();
        }

        @Override
        public List<Incident> openIncidents(Set<String> severities) {
            return List.of();
        }

        @Override
        public List<ReleaseRecord> recentReleases() {
            return List.of();
        }
    }
}
