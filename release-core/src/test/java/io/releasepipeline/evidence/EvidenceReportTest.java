package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.health.EndpointResult;
import io.releasepipeline.health.SmokeResult;
import io.releasepipeline.spi.DeployRun;
import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.TriggerState;
import io.releasepipeline.trigger.TriggerVerdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class EvidenceReportTest {

    private static final ReleaseRecord ROLLED_BACK = EvidenceFixtures.rolledBackRelease();

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Document doc) {
        NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    @Test
    @DisplayName("the Markdown has every section of the release-evidence record, filled in")
    void markdownSections() {
        String md = EvidenceReport.markdown(ROLLED_BACK, "2025-03-14-trade-nexus-backend-rel.svg");

        assertThat(md).startsWith("# Release evidence: trade-nexus-backend `rel-2025-03-14-pr-418`")
                .contains("## Summary", "## Timeline", "## Gates", "## Deploy run", "## Traffic changes",
                        "## Smoke checks", "## Trigger verdicts", "## Health signals", "## Rollback", "## Notes")
                .contains("![timeline](2025-03-14-trade-nexus-backend-rel.svg)")
                .contains("| Pull request | [#418](https://github.com/trade-nexus/trade-nexus/pull/418) |")
                .contains("| Head commit | `9f1c2ab7d0e4c1f8a2b3c4d5e6f708192a3b4c5d` |")
                .contains("| Approvers | alice, bob |")
                .contains("| Outcome | **ROLLED_BACK** |")
                .contains("| Duration | 18m25s |")
                .contains("| previous-release-stable | PASS | previous release promoted 26h ago, &gt;= 1h |")
                .contains("| 2025-03-14 09:34:00 UTC | t+14m | trade-nexus-backend--0000041=90%, "
                        + "trade-nexus-backend--0000042=10% | trade-nexus-backend--0000041=50%, "
                        + "trade-nexus-backend--0000042=50% | plan step 2 of 3: 50% |")
                .contains("| `/v1/markets?limit=5` | **FAIL** | 200 | 612ms | 790ms | median 612ms is not under "
                        + "the SLO of 500ms |")
                .contains("| error-rate | **FIRING** | 5xx 7.9% over 5m of 1,204 requests; threshold 5% |")
                .contains("> [!CAUTION]\n> **Database migration: roll it back by hand.** PR #418 carried database "
                        + "migration V42\\_\\_add\\_order\\_index.sql")
                .contains("#### Smoke check after the rollback: PASS on `trade-nexus-backend--0000041`")
                .contains("- error-rate signal from Log Analytics lags about 2 minutes");
    }

    @Test
    @DisplayName("empty sections say so instead of disappearing")
    void emptySections() {
        ReleaseRecord gatesFailed = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION,
                        EvidenceFixtures.T0)
                .outcome(ReleaseOutcome.GATES_FAILED).finishedAt(EvidenceFixtures.T0.plusSeconds(3))
                .gates(List.of(GateResult.fail("reviews", "0 approving reviews < 1 required"))).build();

        String md = EvidenceReport.markdown(gatesFailed, "x.svg");

        assertThat(md).contains("> **Gates failed: nothing was changed**")
                .contains("| reviews | **FAIL** | 0 approving reviews &lt; 1 required |")
                .contains("## Deploy run\n\nNone.").contains("## Smoke checks\n\nNone.")
                .contains("## Rollback\n\nNo rollback.").contains("| Pull request | — |");
    }

    @Test
    @DisplayName("reasons with < & > | and Markdown syntax are escaped, never injected")
    void markdownEscaping() {
        ReleaseRecord hostile = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, EvidenceFixtures.T0)
                .gates(List.of(GateResult.fail("checks", "<script>alert(1)</script> & a | b [x](javascript:y)\nz")))
                .pullRequest(7, "javascript:alert(1)")
                .build();

        String md = EvidenceReport.markdown(hostile, "r1.svg");

        assertThat(md).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; a \\| b \\[x\\](javascript:y) z")
                .doesNotContain("<script>")
                .contains("| Pull request | #7 |");
    }

    /** Untrusted text with everything that must not act: mentions, an image, HTML, blocks, a forged line, controls. */
    static final String HOSTILE = "@org/team ![PWN](https://evil.example/t.png) [PWN](https://evil.example/x) "
            + "<img src=x onerror=alert(1)> <!-- PWN\n# PWN heading\r\n> PWN quote\n- PWN item\n1. PWN\n"
            + "```\n[main] INFO io.releasepipeline.internal.Promotion - release FORGED: PROMOTED\n"
            + "::set-output name=x::y\n##[error]PWN \u001B[31mred\u001B]0;PWN\u0007 \uFFFE\uFFFF\uD800 \u202Eevil "
            + "| ` $x$ ";

    private static String hostile(String tag) {
        return tag + " " + HOSTILE + "A".repeat(100_000);
    }

    /** A record whose every text from outside (names, reasons, comments, URLs) is hostile and 100 KB long. */
    static ReleaseRecord hostileRecord() {
        Instant t0 = EvidenceFixtures.T0;
        String prev = "v1";
        String next = hostile("revision");
        TriggerVerdict fired = new TriggerVerdict(hostile("trigger"), TriggerState.FIRING, hostile("verdict"),
                t0.plusSeconds(300));
        SmokeResult smoke = SmokeResult.of(next, t0.plusSeconds(60), List.of(new EndpointResult(hostile("endpoint"),
                false, Optional.of(500), Optional.empty(), Optional.empty(), Optional.of(hostile("error")))));
        return ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, t0)
                .outcome(ReleaseOutcome.ROLLED_BACK).finishedAt(t0.plusSeconds(600))
                .pullRequest(9, "https://github.com/org/repo/pull/9")
                .headSha(hostile("sha")).newRevision(next).previousRevision(prev)
                .approvers(List.of(hostile("approver")))
                .gates(List.of(GateResult.fail(hostile("gate"), hostile("reason"))))
                .deployRun(new DeployRun(hostile("run"), "c0ffee", DeployRun.Status.COMPLETED,
                        Optional.of(DeployRun.Conclusion.SUCCESS), "https://evil.example/run\n# x" + HOSTILE))
                .deployMatch(io.releasepipeline.spi.DeployMatch.deploys(hostile("filter"), List.of(hostile("file")),
                        1, hostile("match")))
                .traffic(new TrafficChange(t0.plusSeconds(30), TrafficWeights.all(prev),
                        TrafficWeights.split(prev, next, 10), hostile("step")))
                .smoke(smoke)
                .verdict(fired)
                .timeline(new TimelinePoint(t0.plusSeconds(90), hostile("signal"), false, Optional.of(0.5),
                        hostile("detail")))
                .approval(new StepApproval(10, t0.plusSeconds(40), true, Optional.of(hostile("by")),
                        t0.plusSeconds(50), hostile("comment")))
                .rollback(new RollbackDetails(hostile("rollback"), Optional.of(fired), Optional.of(next), prev,
                        t0.plusSeconds(300), t0.plusSeconds(330), false, Optional.of(smoke),
                        Optional.of(hostile("migration")), Optional.of(hostile("detail"))))
                .note(hostile("note"))
                .build();
    }

    @Test
    @DisplayName("a hostile record renders to a report where nothing from it pings, loads, links, or makes a block")
    void hostileMarkdown() {
        String md = EvidenceReport.markdown(hostileRecord(), "r1.svg");

        Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(md);
        List<Node> nodes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        doc.accept(new AbstractVisitor() {
            @Override
            protected void visitChildren(Node parent) {
                nodes.add(parent);
                super.visitChildren(parent);
            }

            @Override
            public void visit(Text t) {
                nodes.add(t);
                text.append(t.getLiteral()).append('\n');
            }
        });
        assertThat(nodes).filteredOn(Image.class::isInstance).extracting(n -> ((Image) n).getDestination())
                .containsExactly("r1.svg");
        // The record's own URLs (the pull request's, the deploy run's) are links, whole: encoded, they cannot end
        // early.
        assertThat(nodes).filteredOn(Link.class::isInstance).extracting(n -> ((Link) n).getDestination())
                .hasSize(2).contains("https://github.com/org/repo/pull/9")
                .anySatisfy(u -> assertThat(u).startsWith("https://evil.example/run%0A#%20x@org/team%20!%5BPWN%5D")
                        .endsWith("%20%60%20$x$%20").doesNotContain(" ", "\n", "(", ")"));
        assertThat(nodes).noneMatch(n -> n instanceof HtmlInline || n instanceof HtmlBlock
                || n instanceof FencedCodeBlock || n instanceof IndentedCodeBlock);
        assertThat(nodes).filteredOn(n -> n instanceof Heading || n instanceof BlockQuote || n instanceof ListItem)
                .allSatisfy(n -> assertThat(firstText(n)).doesNotStartWith("PWN"));
        assertThat(java.util.regex.Pattern.compile("(?<![A-Za-z0-9_])@[A-Za-z0-9]").matcher(text).find()).isFalse();
        assertThat(md).doesNotContain("\r", "\u001B", "\u0007", "\u202E", "\uFFFE", "\uFFFF", "\uD800")
                .doesNotContain("\n# PWN", "\n> PWN", "\n- PWN", "\n```", "\n[main] INFO");
        assertThat(md.length()).as("every field capped").isLessThan(60_000);
    }

    private static String firstText(Node n) {
        Node child = n.getFirstChild();
        while (child != null && !(child instanceof Text)) {
            child = child.getFirstChild();
        }
        return child == null ? "" : ((Text) child).getLiteral().strip();
    }

    @Test
    @DisplayName("the SVG is well-formed XML with the traffic steps, health lanes, rollback and relative time axis")
    void svgWellFormed() throws Exception {
        String svg = EvidenceReport.svg(ROLLED_BACK);

        Document doc = parse(svg);

        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(texts(doc)).contains("t+0", "t+5m", "t+10m", "t+15m", "10%", "50%", "0%", "health-endpoint",
                "smoke-check", "error-rate", "rollback", "7.9%");
        NodeList polylines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        assertThat(polylines.getLength()).isEqualTo(1);
        // 0% -> 10% at t+9m -> 50% at t+14m -> 0% at t+18m: a start, two points per change, an end.
        String points = polylines.item(0).getAttributes().getNamedItem("points").getNodeValue();
        assertThat(points.split(" ")).hasSize(1 + 2 * 3 + 1);
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength())
                .as("background, the 3 bad points, the legend's bad marker").isEqualTo(1 + 3 + 1);
    }

    @Test
    @DisplayName("text in the SVG is escaped: a reason with < & > stays text")
    void svgEscaping() throws Exception {
        ReleaseRecord hostile = ReleaseRecord.builder("r<1>", "a&b", ReleaseRecord.Kind.PROMOTION, EvidenceFixtures.T0)
                .newRevision("new")
                .timeline(new TimelinePoint(EvidenceFixtures.T0.plusSeconds(30), "health", false, Optional.empty(),
                        "</title><script>x</script> & \"quoted\" \u0001"))
                .build();

        String svg = EvidenceReport.svg(hostile);

        Document doc = parse(svg);
        assertThat(texts(doc)).anySatisfy(t -> assertThat(t).startsWith("a&b r<1>: IN_PROGRESS"));
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "script").getLength()).isZero();
        assertThat(svg).contains("&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &amp; &quot;quoted&quot;");
    }

    @Test
    @DisplayName("a record with no traffic changes or timeline still renders a valid chart spanning at least a second")
    void svgMinimal() throws Exception {
        ReleaseRecord empty = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.ROLLBACK, EvidenceFixtures.T0)
                .build();

        Document doc = parse(EvidenceReport.svg(empty));

        assertThat(texts(doc)).contains("no revision to follow", "t+0", "t+1s");
    }

    @Test
    @DisplayName("a hostile record (U+FFFE, U+FFFF, lone surrogates, controls, markup) still gives valid XML 1.0")
    void svgHostile() throws Exception {
        String svg = EvidenceReport.svg(hostileRecord());

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "img").getLength()).isZero();
        assertThat(doc.getElementsByTagNameNS("*", "script").getLength()).isZero();
        assertThat(svg.length()).as("every text capped").isLessThan(40_000);
        assertThat(texts(doc)).anySatisfy(t -> assertThat(t).contains("<img src=x onerror=alert(1)>"));
    }

    @Test
    @DisplayName("a long release gets an hourly-scale axis")
    void svgLongAxis() throws Exception {
        Instant t0 = EvidenceFixtures.T0;
        ReleaseRecord longRelease = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, t0)
                .newRevision("b").finishedAt(t0.plus(Duration.ofHours(3)))
                .traffic(new TrafficChange(t0.plusSeconds(60), TrafficWeights.all("a"), TrafficWeights.all("b"),
                        "all at once"))
                .build();

        assertThat(texts(parse(EvidenceReport.svg(longRelease)))).contains("t+0", "t+30m", "t+1h", "t+3h")
                .doesNotContain("t+5m");
    }
}
