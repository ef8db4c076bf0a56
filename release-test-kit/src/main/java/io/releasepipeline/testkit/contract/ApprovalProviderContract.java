package io.releasepipeline.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.ApprovalDecision;
import io.releasepipeline.spi.ApprovalProvider;
import io.releasepipeline.spi.ApprovalRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ApprovalProvider} keeps, as JUnit 5 tests. A provider's test extends this class and
 * implements {@link #fixture()}: the provider, a {@link Decider} that makes a person decide where the provider reads
 * decisions (call an API, switch a WireMock scenario to "reviewed"), and a count of how many times people were
 * asked each question (listener calls, workflow dispatches).
 *
 * <pre>{@code
 * class ApiApprovalsContractTest extends ApprovalProviderContract {
 *     protected ApprovalFixture fixture() {
 *         Map<String, Integer> asked = new ConcurrentHashMap<>();
 *         ApiApprovals approvals = new ApiApprovals(new VirtualClock(), r -> asked.merge(key(r), 1, Integer::sum));
 *         return new ApprovalFixture(approvals, new Decider() { ...approvals.approve(...)... },
 *                 r -> asked.getOrDefault(key(r), 0));
 *     }
 * }
 * }</pre>
 *
 * <p>The kit asks only the {@link #QUESTIONS} (one release's two steps and another release's first step), so a
 * scripted source (a WireMock stub) need only know those. {@link #fixture()} is called before each test and must
 * return a provider over fresh state: nobody asked, nobody decided.
 */
public abstract class ApprovalProviderContract {

    /** Step 50 of release {@code rel-kit-1}: the question the kit decides. */
    protected static final ApprovalRequest QUESTION = new ApprovalRequest("rel-kit-1", "kit-app", "kit-app--v2", 50,
            "may kit-app--v2 go to 50%? 10%: 0.1% 5xx", Optional.of("e5bd3914e2e596debea16f433f57875b5b90bcd6"));
    /** Step 100 of the same release: another step. */
    protected static final ApprovalRequest OTHER_STEP = new ApprovalRequest("rel-kit-1", "kit-app", "kit-app--v2",
            100, "may kit-app--v2 go to 100%? 50%: 0.1% 5xx",
            Optional.of("e5bd3914e2e596debea16f433f57875b5b90bcd6"));
    /** Step 50 of another release. */
    protected static final ApprovalRequest OTHER_RELEASE = new ApprovalRequest("rel-kit-2", "kit-app", "kit-app--v3",
            50, "may kit-app--v3 go to 50%? 10%: 0.2% 5xx", Optional.of("9049f1265b7d61be4a8904a9a27120d2064dab3b"));
    /** Every question the kit asks. */
    public static final List<ApprovalRequest> QUESTIONS = List.of(QUESTION, OTHER_STEP, OTHER_RELEASE);

    /** Makes a person decide a question, where the provider under test reads decisions. */
    public interface Decider {

        /**
         * {@code by} approves {@code request}, saying {@code comment}.
         *
         * @param request the pending approval request
         * @param by who approves
         * @param comment what they say
         */
        void approve(ApprovalRequest request, String by, String comment);

        /**
         * {@code by} rejects {@code request}, saying {@code comment}.
         *
         * @param request the pending approval request
         * @param by who rejects
         * @param comment what they say
         */
        void reject(ApprovalRequest request, String by, String comment);
    }

    /**
     * What the contract acts on.
     *
     * @param provider the provider under test, over fresh state
     * @param decider makes a person decide one of the {@link #QUESTIONS}
     * @param timesAsked how many times people have been asked a question so far (notified, a workflow dispatched)
     */
    public record ApprovalFixture(ApprovalProvider provider, Decider decider,
            ToIntFunction<ApprovalRequest> timesAsked) {

        /**
         * Validates.
         *
         * @param provider the provider under test, over fresh state
         * @param decider makes a person decide one of the {@link #QUESTIONS}
         * @param timesAsked how many times people have been asked a question so far (notified, a workflow dispatched)
         */
        public ApprovalFixture {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(decider, "decider");
            Objects.requireNonNull(timesAsked, "timesAsked");
        }
    }

    /**
     * A provider over fresh state, with its decider and its count of questions asked. Called before each test.
     *
     * @return a provider over fresh state, with its decider and its count of questions asked
     */
    protected abstract ApprovalFixture fixture();

    private ApprovalFixture f;
    private ApprovalProvider approvals;

    /** Takes a fresh fixture. */
    @BeforeEach
    void takeFixture() {
        f = fixture();
        approvals = f.provider();
    }

    /** Asking people. */
    @Nested
    @DisplayName("request")
    class Request {

        @Test
        @DisplayName("names itself")
        void names() {
            assertThat(approvals.providerName()).isNotBlank();
        }

        @Test
        @DisplayName("asks people the question once")
        void asks() {
            approvals.request(QUESTION);

            assertThat(f.timesAsked().applyAsInt(QUESTION)).isEqualTo(1);
        }

        @Test
        @DisplayName("is idempotent: requesting the same question twice asks people once")
        void idempotent() {
            approvals.request(QUESTION);
            approvals.request(QUESTION);

            assertThat(f.timesAsked().applyAsInt(QUESTION)).isEqualTo(1);
        }

        @Test
        @DisplayName("another step, or another release, is another question: each is asked once")
        void otherQuestionsAreAsked() {
            approvals.request(QUESTION);
            approvals.request(OTHER_STEP);
            approvals.request(OTHER_RELEASE);

            assertThat(QUESTIONS).allSatisfy(q -> assertThat(f.timesAsked().applyAsInt(q)).as(q.releaseId() + " "
                    + q.weight() + "%").isEqualTo(1));
        }
    }

    /** Reading decisions. */
    @Nested
    @DisplayName("decision")
    class Decision {

        @Test
        @DisplayName("is empty before anyone decides, however often it is read")
        void noneBeforeAnyoneDecides() {
            approvals.request(QUESTION);

            assertThat(approvals.decision(QUESTION)).isEmpty();
            assertThat(approvals.decision(QUESTION)).isEmpty();
        }

        @Test
        @DisplayName("is read-only: reading a decision never asks anyone")
        void readOnly() {
            assertThat(approvals.decision(QUESTION)).isEmpty();
            approvals.request(QUESTION);
            approvals.decision(QUESTION);

            assertThat(f.timesAsked().applyAsInt(QUESTION)).isEqualTo(1);
        }

        @Test
        @DisplayName("an approval is read back as approved, with who approved and their comment")
        void approval() {
            approvals.request(QUESTION);
            f.decider().approve(QUESTION, "alice", "10% looks clean, go on");

            assertThat(approvals.decision(QUESTION)).hasValueSatisfying(d -> {
                assertThat(d.approved()).isTrue();
                assertThat(d.by()).isEqualTo("alice");
                assertThat(d.comment()).isEqualTo("10% looks clean, go on");
            });
        }

        @Test
        @DisplayName("a rejection is read back as not approved, with who rejected and their comment")
        void rejection() {
            approvals.request(QUESTION);
            f.decider().reject(QUESTION, "bob", "p99 latency doubled");

            assertThat(approvals.decision(QUESTION)).hasValueSatisfying(d -> {
                assertThat(d.approved()).isFalse();
                assertThat(d.by()).isEqualTo("bob");
                assertThat(d.comment()).isEqualTo("p99 latency doubled");
            });
        }

        @Test
        @DisplayName("a decision taken reads the same on every poll: same verdict, same person, same comment")
        void stable() {
            approvals.request(QUESTION);
            f.decider().approve(QUESTION, "alice", "go");

            Optional<ApprovalDecision> first = approvals.decision(QUESTION);
            Optional<ApprovalDecision> second = approvals.decision(QUESTION);

            assertThat(first).isPresent();
            assertThat(second).hasValueSatisfying(d -> {
                assertThat(d.approved()).isEqualTo(first.get().approved());
                assertThat(d.by()).isEqualTo(first.get().by());
                assertThat(d.comment()).isEqualTo(first.get().comment());
            });
        }

        @Test
        @DisplayName("a decision on one step of a release does not answer its other steps, nor another release")
        void perQuestion() {
            for (ApprovalRequest q : QUESTIONS) {
                approvals.request(q);
            }
            f.decider().approve(QUESTION, "alice", "go to 50%");

            assertThat(approvals.decision(QUESTION)).hasValueSatisfying(d -> assertThat(d.approved()).isTrue());
            assertThat(approvals.decision(OTHER_STEP)).isEmpty();
            assertThat(approvals.decision(OTHER_RELEASE)).isEmpty();
        }

        @Test
        @DisplayName("a rejection of another step does not reject this one")
        void otherRejectionIsNotThis() {
            for (ApprovalRequest q : QUESTIONS) {
                approvals.request(q);
            }
            f.decider().reject(OTHER_STEP, "bob", "not to 100% today");
            f.decider().approve(OTHER_RELEASE, "carol", "v3 is fine");

            assertThat(approvals.decision(QUESTION)).isEmpty();
            assertThat(approvals.decision(OTHER_STEP)).hasValueSatisfying(d -> assertThat(d.approved()).isFalse());
            assertThat(approvals.decision(OTHER_RELEASE)).hasValueSatisfying(d -> assertThat(d.by())
                    .isEqualTo("carol"));
        }
    }
}
