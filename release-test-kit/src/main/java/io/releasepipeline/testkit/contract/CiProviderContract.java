package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.releasepipeline.error.ProviderException;
import io.releasepipeline.spi.ChangedFiles;
import io.releasepipeline.spi.CheckResult;
import io.releasepipeline.spi.CiProvider;
import io.releasepipeline.spi.DeployMatch;
import io.releasepipeline.spi.DeploymentState;
import io.releasepipeline.spi.MergeRefusedException;
import io.releasepipeline.spi.PullRequest;
import io.releasepipeline.spi.Reviews;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CiProvider} keeps, as JUnit 5 tests. A provider's test extends this class and
 * implements {@link #fixture()}.
 *
 * <pre>{@code
 * class GitHubCiContractTest extends CiProviderContract {
 *     protected CiFixture fixture() {   // WireMock stubs: PR 42 open at head abc..., approved by alice, "tests" green
 *         return new CiFixture(new GitHubCi(...wireMock.baseUrl()...), 42, "abc...", "alice", "tests",
 *                 "backend/app/main.py", "docs/README.md");   // the deploy workflow's paths: [backend/**]
 *     }
 * }
 * }</pre>
 *
 * <p>Tests merge the pull request, so {@link #fixture()} is called before each test and must return a provider
 * over fresh state (a stateful stub must move the pull request to merged when merged, and answer a second
 * merge at the same head with the same merge commit, as GitHub does).
 */
public abstract class CiProviderContract {

    /**
     * What the contract acts on.
     *
     * @param provider the provider under test
     * @param pullRequest an open, mergeable pull request
     * @param headSha its head commit
     * @param approver a reviewer whose latest review approves that head
     * @param passingCheck the name of a check completed with success on that head
     * @param deployedFile a file the pull request changes that the deploy workflow's filter selects
     * @param undeployedFile a path the deploy workflow's filter does not select
     * @param readOnlyApprover a reviewer whose latest review approves that head but who may not write to the
     *     repository (read or triage permission, or none); empty to skip the tests that need one
     */
    public record CiFixture(CiProvider provider, int pullRequest, String headSha, String approver,
            String passingCheck, String deployedFile, String undeployedFile, Optional<String> readOnlyApprover) {

        /**
         * Validates.
         *
         * @param provider the provider under test
         * @param pullRequest an open, mergeable pull request
         * @param headSha its head commit
         * @param approver a reviewer whose latest review approves that head
         * @param passingCheck the name of a check completed with success on that head
         * @param deployedFile a file the pull request changes that the deploy workflow's filter selects
         * @param undeployedFile a path the deploy workflow's filter does not select
         * @param readOnlyApprover a reviewer whose latest review approves that head but who may not write to the
         *     repository (read or triage permission, or none); empty to skip the tests that need one
         */
        public CiFixture {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(approver, "approver");
            Objects.requireNonNull(passingCheck, "passingCheck");
            Objects.requireNonNull(deployedFile, "deployedFile");
            Objects.requireNonNull(undeployedFile, "undeployedFile");
            readOnlyApprover = readOnlyApprover == null ? Optional.empty() : readOnlyApprover;
        }

        /**
         * A fixture without a read-only approver: the tests that need one are skipped.
         *
         * @param provider the provider under test
         * @param pullRequest an open, mergeable pull request
         * @param headSha its head commit
         * @param approver a reviewer whose latest review approves that head
         * @param passingCheck the name of a check completed with success on that head
         * @param deployedFile a file the pull request changes that the deploy workflow's filter selects
         * @param undeployedFile a path the deploy workflow's filter does not select
         */
        public CiFixture(CiProvider provider, int pullRequest, String headSha, String approver, String passingCheck,
                String deployedFile, String undeployedFile) {
            this(provider, pullRequest, headSha, approver, passingCheck, deployedFile, undeployedFile,
                    Optional.empty());
        }
    }

    /**
     * A provider over fresh state with the fixture's open pull request. Called before each test.
     *
     * @return a provider over fresh state with the fixture's open pull request
     */
    protected abstract CiFixture fixture();

    /**
     * The release id the deployment tests create records for; a stateful stub lists the created record with it (on
     * GitHub: in the deployment's payload).
     */
    public static final String RELEASE_ID = "r-1";

    /** A commit sha no repository has. */
    protected static final String UNKNOWN_SHA = "0000000000000000000000000000000000000000";

    private CiFixture f;
    private CiProvider ci;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        f = fixture();
        ci = f.provider();
    }

    /** Reading pull requests, reviews and checks. */
    @Nested
    @DisplayName("reading")
    class Reading {

        @Test
        @DisplayName("names itself and its repository")
        void names() {
            assertThat(ci.providerName()).isNotBlank();
            assertThat(ci.repository()).isNotBlank();
        }

        @Test
        @DisplayName("pullRequest(n) reports the open pull request at its head")
        void pullRequest() {
            PullRequest pr = ci.pullRequest(f.pullRequest());
            assertThat(pr.number()).isEqualTo(f.pullRequest());
            assertThat(pr.headSha()).isEqualTo(f.headSha());
            assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
            assertThat(pr.mergeCommitSha()).isEmpty();
        }

        @Test
        @DisplayName("approvals on the head count the approver, with or without the head given")
        void approvals() {
            assertThat(ci.reviews(f.pullRequest(), Optional.of(f.headSha())).approvedBy()).contains(f.approver());
            assertThat(ci.reviews(f.pullRequest(), Optional.empty()).approvedBy()).contains(f.approver());
        }

        @Test
        @DisplayName("approvals pinned to another commit do not count approvals of the head, and say so")
        void approvalsOfOtherCommit() {
            Reviews reviews = ci.reviews(f.pullRequest(), Optional.of(UNKNOWN_SHA));
            assertThat(reviews.approvedBy()).doesNotContain(f.approver());
            assertThat(reviews.notCounted()).filteredOn(n -> n.reviewer().equals(f.approver())).singleElement()
                    .satisfies(n -> {
                        assertThat(n.verdict()).isEqualTo(Reviews.Verdict.APPROVED);
                        assertThat(n.reason()).contains(f.headSha().substring(0, 7), "not on the head");
                    });
        }

        @Test
        @DisplayName("a counted approver's role is reported, for the gate's reason")
        void approverRole() {
            Reviews reviews = ci.reviews(f.pullRequest(), Optional.of(f.headSha()));
            assertThat(reviews.roleOf(f.approver())).hasValueSatisfying(role -> assertThat(role).isNotBlank());
        }

        @Test
        @DisplayName("an approval by a reviewer who may not write to the repository does not count, and the reason "
                + "says so")
        void readOnlyApproverDoesNotCount() {
            assumeTrue(f.readOnlyApprover().isPresent(), "the fixture names no read-only approver");
            String reader = f.readOnlyApprover().get();
            for (Optional<String> head : List.of(Optional.of(f.headSha()), Optional.<String>empty())) {
                Reviews reviews = ci.reviews(f.pullRequest(), head);
                assertThat(reviews.approvedBy()).as("asked for %s", head).contains(f.approver())
                        .doesNotContain(reader);
                assertThat(reviews.notCounted()).filteredOn(n -> n.reviewer().equals(reader)).singleElement()
                        .satisfies(n -> {
                            assertThat(n.verdict()).isEqualTo(Reviews.Verdict.APPROVED);
                            assertThat(n.reason()).isNotBlank();
                        });
            }
        }

        @Test
        @DisplayName("checks(head) reports the passing check by name")
        void checks() {
            assertThat(ci.checks(f.headSha())).filteredOn(c -> c.name().equals(f.passingCheck()))
                    .isNotEmpty().allMatch(CheckResult::passed);
        }

        @Test
        @DisplayName("a commit without a deploy run has none")
        void noDeployRun() {
            assertThat(ci.findDeployRun(UNKNOWN_SHA)).isEmpty();
        }
    }

    /** The changed files, and whether they start the deploy run. */
    @Nested
    @DisplayName("deploy filter")
    class DeployFilter {

        @Test
        @DisplayName("changedFiles(n) lists the files the pull request changes, in full")
        void changedFiles() {
            ChangedFiles files = ci.changedFiles(f.pullRequest());
            assertThat(files.paths()).contains(f.deployedFile()).doesNotHaveDuplicates();
            assertThat(files.complete()).isTrue();
        }

        @Test
        @DisplayName("changedFiles of a pull request that does not exist is a ProviderException")
        void changedFilesOfUnknown() {
            assertThatThrownBy(() -> ci.changedFiles(f.pullRequest() + 9000)).isInstanceOf(ProviderException.class);
        }

        @Test
        @DisplayName("the pull request's own change deploys: the answer names the selected file and the filter")
        void deploys() {
            ChangedFiles files = ci.changedFiles(f.pullRequest());
            DeployMatch m = ci.deployMatch(ci.pullRequest(f.pullRequest()), files);
            assertThat(m.deploys()).isTrue();
            assertThat(m.files()).contains(f.deployedFile());
            assertThat(m.changedFiles()).isEqualTo(files.paths().size());
            assertThat(m.filter()).isNotBlank();
            assertThat(m.reason()).isNotBlank();
        }

        @Test
        @DisplayName("a change the filter selects nothing of deploys nothing, and says which files and which filter")
        void nothingToDeploy() {
            DeployMatch m = ci.deployMatch(ci.pullRequest(f.pullRequest()), ChangedFiles.of(f.undeployedFile()));
            assertThat(m.deploys()).isFalse();
            assertThat(m.files()).containsExactly(f.undeployedFile());
            assertThat(m.changedFiles()).isEqualTo(1);
            assertThat(m.filter()).isNotBlank();
            assertThat(m.reason()).isNotBlank();
        }

        @Test
        @DisplayName("a change listed only in part still deploys when no listed file is selected: an unlisted one may")
        void partialListDeploys() {
            DeployMatch m = ci.deployMatch(ci.pullRequest(f.pullRequest()),
                    ChangedFiles.partial(List.of(f.undeployedFile())));
            assertThat(m.deploys()).isTrue();
            assertThat(m.reason()).isNotBlank();
        }

        @Test
        @DisplayName("deployMatch is read-only and idempotent: the same answer twice, nothing merged")
        void idempotent() {
            PullRequest pr = ci.pullRequest(f.pullRequest());
            ChangedFiles files = ci.changedFiles(f.pullRequest());
            assertThat(ci.deployMatch(pr, files)).isEqualTo(ci.deployMatch(pr, files));
            assertThat(ci.pullRequest(f.pullRequest()).state()).isEqualTo(PullRequest.State.OPEN);
        }

        @Test
        @DisplayName("a merged pull request still lists its changed files, so the answer holds after the merge")
        void afterTheMerge() {
            ci.merge(f.pullRequest(), f.headSha());
            PullRequest merged = ci.pullRequest(f.pullRequest());
            ChangedFiles files = ci.changedFiles(f.pullRequest());
            assertThat(files.paths()).contains(f.deployedFile());
            assertThat(ci.deployMatch(merged, files).deploys()).isTrue();
        }
    }

    /** The compare-and-swap merge. */
    @Nested
    @DisplayName("merge")
    class Merge {

        @Test
        @DisplayName("a merge pinned to another sha is refused as HEAD_CHANGED and merges nothing")
        void wrongShaRefused() {
            assertThatThrownBy(() -> ci.merge(f.pullRequest(), UNKNOWN_SHA))
                    .isInstanceOfSatisfying(MergeRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(MergeRefusedException.Reason.HEAD_CHANGED));
            assertThat(ci.pullRequest(f.pullRequest()).state()).isEqualTo(PullRequest.State.OPEN);
        }

        @Test
        @DisplayName("a merge pinned to the head returns the merge commit and marks the pull request merged")
        void merges() {
            String sha = ci.merge(f.pullRequest(), f.headSha());
            assertThat(sha).isNotBlank();
            PullRequest pr = ci.pullRequest(f.pullRequest());
            assertThat(pr.state()).isEqualTo(PullRequest.State.MERGED);
            assertThat(pr.mergeCommitSha()).contains(sha);
        }

        @Test
        @DisplayName("merge is idempotent: merging again at the same head returns the same merge commit")
        void idempotent() {
            String first = ci.merge(f.pullRequest(), f.headSha());
            assertThat(ci.merge(f.pullRequest(), f.headSha())).isEqualTo(first);
        }

        @Test
        @DisplayName("MergeRefusedException is a permanent ProviderException")
        void refusalIsPermanent() {
            assertThatThrownBy(() -> ci.merge(f.pullRequest(), UNKNOWN_SHA))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isTransient()).isFalse());
        }
    }

    /** Comments and deployment records. */
    @Nested
    @DisplayName("writing")
    class Writing {

        @Test
        @DisplayName("a comment on the pull request is accepted")
        void comment() {
            assertThatCode(() -> ci.comment(f.pullRequest(), "Release rolled back: smoke check failed"))
                    .doesNotThrowAnyException();
        }

        @Test
        @DisplayName("a deployment is created with an id and accepts a status of at most 140 characters")
        void deployment() {
            String id = ci.createDeployment(f.headSha(), "production", RELEASE_ID, "release " + RELEASE_ID);
            assertThat(id).isNotBlank();
            assertThatCode(() -> ci.recordDeploymentStatus(id, DeploymentState.SUCCESS, "x".repeat(140),
                    Optional.of("https://app.example.test"), Optional.empty())).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("creating the same release's deployment again returns the record it has, not a second one")
        void deploymentIsIdempotentPerRelease() {
            String first = ci.createDeployment(f.headSha(), "production", RELEASE_ID, "release " + RELEASE_ID);

            String again = ci.createDeployment(f.headSha(), "production", RELEASE_ID, "release " + RELEASE_ID);

            assertThat(again).isEqualTo(first);
        }

        @Test
        @DisplayName("a deployment status may be recorded twice (the engine repeats it after a transient failure)")
        void statusMayBeRepeated() {
            String id = ci.createDeployment(f.headSha(), "production", RELEASE_ID, "release " + RELEASE_ID);
            ci.recordDeploymentStatus(id, DeploymentState.IN_PROGRESS, "in progress", Optional.empty(),
                    Optional.empty());

            assertThatCode(() -> ci.recordDeploymentStatus(id, DeploymentState.IN_PROGRESS, "in progress",
                    Optional.empty(), Optional.empty())).doesNotThrowAnyException();
        }
    }
}
