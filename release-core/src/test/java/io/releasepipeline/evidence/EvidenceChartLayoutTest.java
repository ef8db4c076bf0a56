package io.releasepipeline.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.releasepipeline.spi.TrafficWeights;
import io.releasepipeline.trigger.Triggers;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The chart's geometry, read back from the SVG: labels clear of the grid lines, the traffic line and each other, and
 * the health lane's probing density.
 */
class EvidenceChartLayoutTest {

    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final Instant T0 = EvidenceFixtures.T0;

    @Test
    @DisplayName("every label fits inside the picture: the lanes' trigger names are not cut at the left edge")
    void labelsFitInsideThePicture() {
        Chart chart = Chart.of(EvidenceReport.svg(EvidenceFixtures.rolledBackRelease()));
        double width = chart.width();
        List<Element> texts = chart.elements("text", "").stream().filter(t -> t.getAttribute("transform").isEmpty())
                .toList();
        assertThat(texts).extracting(Element::getTextContent).contains(Triggers.HEALTH_ENDPOINT, Triggers.SMOKE_CHECK);
        for (Element text : texts) {
            Box box = Chart.box(text);
            assertThat(box.x1() >= 0 && box.x2() <= width).as("'%s' at %s inside 0..%s", text.getTextContent(), box,
                    width).isTrue();
        }
    }

    @Test
    @DisplayName("the rollback label is clear of the 100% line and every other line and label, wherever it falls")
    void rollbackLabelClearOfLinesAndLabels() {
        Map<String, ReleaseRecord> records = Map.of(
                "the example canary", EvidenceFixtures.rolledBackRelease(),
                "a rollback at 100% right after the shift", rollbackAt100(Duration.ofSeconds(20),
                        Duration.ofSeconds(21), Duration.ofSeconds(40)),
                "a rollback near the chart's left edge", rollbackAt100(Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(60)),
                "a rollback at the chart's right edge", rollbackAt100(Duration.ofSeconds(5), Duration.ofSeconds(59),
                        Duration.ofSeconds(60)));

        records.forEach((name, record) -> {
            Chart chart = Chart.of(EvidenceReport.svg(record));
            Box rollback = chart.label("rollback", "#cf222e");

            for (double y : chart.gridLines()) {
                assertThat(rollback.y1() > y || rollback.y2() < y).as("%s: the rollback label %s crosses the grid "
                        + "line at y=%s", name, rollback, y).isTrue();
            }
            for (Box segment : chart.trafficLine()) {
                assertThat(rollback.overlaps(segment)).as("%s: the rollback label %s crosses the traffic line %s",
                        name, rollback, segment).isFalse();
            }
            chart.assertNoLabelsOverlap(name);
        });
    }

    @Test
    @DisplayName("before the fix's layout the label sat on the 100% line: the grid line check is a real one")
    void gridCheckSeesALabelOnALine() {
        Chart chart = Chart.of("""
                <svg xmlns="http://www.w3.org/2000/svg">
                <line x1="92" y1="56.0" x2="856" y2="56.0" stroke="#d0d7de" stroke-dasharray="2 3"/>
                <text x="400.0" y="60.0" text-anchor="end" font-weight="bold" font-size="11" fill="#cf222e">rollback</text>
                </svg>
                """);

        Box rollback = chart.label("rollback", "#cf222e");

        assertThat(chart.gridLines()).containsExactly(56.0);
        assertThat(rollback.y1() < 56.0 && rollback.y2() > 56.0).isTrue();
    }

    @Test
    @DisplayName("ten health probes a second apart are ten ticks in the health lane, not one dot for the change")
    void healthLaneShowsEveryProbe() {
        ReleaseRecord record = withHealthProbes(10, Duration.ofSeconds(1), Duration.ofSeconds(20));

        Chart chart = Chart.of(EvidenceReport.svg(record));

        List<Element> ticks = chart.elements("rect", "probe");
        assertThat(ticks).hasSize(10);
        assertThat(ticks).extracting(e -> e.getAttribute("fill")).containsOnly("#1a7f37");
        assertThat(ticks).extracting(e -> Double.parseDouble(e.getAttribute("x"))).isSorted().doesNotHaveDuplicates();
        assertThat(ticks.get(0).getTextContent()).isEqualTo("t+5s " + Triggers.HEALTH_ENDPOINT + " probe: up");
    }

    @Test
    @DisplayName("probes closer together than the chart can tell apart merge into a bar that says how many")
    void denseProbesMergeIntoABar() {
        ReleaseRecord record = withHealthProbes(600, Duration.ofSeconds(1), Duration.ofMinutes(20));

        Chart chart = Chart.of(EvidenceReport.svg(record));

        assertThat(chart.elements("rect", "probe")).isEmpty();
        List<Element> bars = chart.elements("rect", "probes");
        assertThat(bars).hasSize(1);
        assertThat(bars.get(0).getTextContent()).isEqualTo("t+5s to t+10m4s " + Triggers.HEALTH_ENDPOINT + ": 600 probes up");
        assertThat(Double.parseDouble(bars.get(0).getAttribute("width"))).as("half the chart's width")
                .isBetween(350.0, 400.0);
    }

    @Test
    @DisplayName("a record without samples (written before they were kept) shows the health lane's changes alone")
    void recordWithoutSamplesFallsBackToTheTimeline() {
        ReleaseRecord record = ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, T0).newRevision("b")
                .finishedAt(T0.plusSeconds(20))
                .timeline(new TimelinePoint(T0.plusSeconds(5), "health", true, Optional.empty(), "200"))
                .build();

        Chart chart = Chart.of(EvidenceReport.svg(record));

        assertThat(chart.elements("rect", "probe")).isEmpty();
        assertThat(chart.elements("rect", "probes")).isEmpty();
        assertThat(chart.elements("circle", "")).anySatisfy(c -> assertThat(c.getTextContent()).startsWith(
                "t+5s " + Triggers.HEALTH_ENDPOINT + " ok"));
    }

    /** 0% to 100% at {@code shift}, a rollback (to 0%) at {@code rollback}, finished at {@code end}. */
    private static ReleaseRecord rollbackAt100(Duration shift, Duration rollback, Duration end) {
        TrafficWeights old = TrafficWeights.all("a");
        TrafficWeights all = TrafficWeights.all("b");
        return ReleaseRecord.builder("rel-with-a-long-name-2025-03-14-pr-418", "app", ReleaseRecord.Kind.PROMOTION, T0)
                .outcome(ReleaseOutcome.ROLLED_BACK).newRevision("b").previousRevision("a")
                .finishedAt(T0.plus(end))
                .traffic(new TrafficChange(T0.plus(shift), old, all, "all at once"))
                .traffic(new TrafficChange(T0.plus(rollback).plusMillis(300), all, old, "rollback"))
                .timeline(new TimelinePoint(T0.plus(rollback).minusMillis(200), "error-rate", false,
                        Optional.of(0.079), "5xx 7.9%"))
                .rollback(new RollbackDetails("error-rate fired", Optional.empty(), Optional.of("b"), "a",
                        T0.plus(rollback), T0.plus(rollback).plusSeconds(1), true, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()))
                .build();
    }

    /** A release observed from t+5s with {@code count} health probes every {@code every}, all up. */
    private static ReleaseRecord withHealthProbes(int count, Duration every, Duration length) {
        List<Long> t = new ArrayList<>(Collections.nCopies(count, every.toMillis()));
        t.set(0, 0L);
        Samples.Step step = new Samples.Step("b", Optional.empty(), 100, T0.plusSeconds(5), length, false,
                Samples.End.PASSED, length.toMillis(), List.of(),
                new Samples.Health(t, "1".repeat(count), Collections.nCopies(count, 12L),
                        List.of(new Samples.Detail(0, "200"))), null, null, null, Optional.empty());
        return ReleaseRecord.builder("r1", "app", ReleaseRecord.Kind.PROMOTION, T0).newRevision("b")
                .finishedAt(T0.plus(length).plusSeconds(10))
                .traffic(new TrafficChange(T0.plusSeconds(4), TrafficWeights.all("a"), TrafficWeights.all("b"), "all"))
                .timeline(new TimelinePoint(T0.plusSeconds(5), "health", true, Optional.empty(), "200"))
                .samples(Samples.Policy.of(Triggers.builder().build()), step)
                .build();
    }

    /** A rectangle of the chart. */
    private record Box(double x1, double y1, double x2, double y2) {
        boolean overlaps(Box o) {
            return x1 < o.x2 && o.x1 < x2 && y1 < o.y2 && o.y1 < y2;
        }
    }

    /** The SVG parsed, with the geometry of its texts and lines. */
    private record Chart(Document doc) {

        static Chart of(String svg) {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setNamespaceAware(true);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return new Chart(factory.newDocumentBuilder()
                        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))));
            } catch (Exception e) {
                throw new IllegalStateException("not a well-formed SVG: " + e, e);
            }
        }

        /** The picture's width, from the root's {@code width} attribute. */
        double width() {
            return Double.parseDouble(doc.getDocumentElement().getAttribute("width"));
        }

        List<Element> elements(String tag, String cssClass) {
            NodeList nodes = doc.getElementsByTagNameNS(SVG, tag);
            List<Element> found = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                if (e.getAttribute("class").equals(cssClass)) {
                    found.add(e);
                }
            }
            return found;
        }

        /** The y of each dashed or solid horizontal grid line of the traffic panel. */
        List<Double> gridLines() {
            return elements("line", "").stream().filter(l -> l.getAttribute("stroke").equals("#d0d7de"))
                    .map(l -> Double.parseDouble(l.getAttribute("y1"))).toList();
        }

        /** The traffic line's segments, as thin boxes. */
        List<Box> trafficLine() {
            List<Element> lines = elements("polyline", "");
            if (lines.isEmpty()) {
                return List.of();
            }
            String[] points = lines.get(0).getAttribute("points").trim().split(" ");
            List<Box> segments = new ArrayList<>();
            for (int i = 1; i < points.length; i++) {
                String[] a = points[i - 1].split(",");
                String[] b = points[i].split(",");
                double ax = Double.parseDouble(a[0]);
                double ay = Double.parseDouble(a[1]);
                double bx = Double.parseDouble(b[0]);
                double by = Double.parseDouble(b[1]);
                segments.add(new Box(Math.min(ax, bx) - 1, Math.min(ay, by) - 1, Math.max(ax, bx) + 1,
                        Math.max(ay, by) + 1));
            }
            return segments;
        }

        /** The box of the one text {@code content} drawn in {@code fill}. */
        Box label(String content, String fill) {
            List<Element> texts = elements("text", "").stream().filter(t -> t.getTextContent().equals(content)
                    && t.getAttribute("fill").equals(fill)).toList();
            assertThat(texts).as("the %s label", content).hasSize(1);
            return box(texts.get(0));
        }

        void assertNoLabelsOverlap(String name) {
            List<Element> texts = elements("text", "").stream().filter(t -> t.getAttribute("transform").isEmpty())
                    .toList();
            for (int i = 0; i < texts.size(); i++) {
                for (int j = i + 1; j < texts.size(); j++) {
                    assertThat(box(texts.get(i)).overlaps(box(texts.get(j)))).as("%s: '%s' overlaps '%s'", name,
                            texts.get(i).getTextContent(), texts.get(j).getTextContent()).isFalse();
                }
            }
        }

        /**
         * A text's box from its attributes: DejaVu Sans widths (the widest of the chart's fonts) rounded up per
         * glyph class, cap height and descenders.
         */
        static Box box(Element text) {
            double size = Double.parseDouble(text.getAttribute("font-size"));
            double x = Double.parseDouble(text.getAttribute("x"));
            double y = Double.parseDouble(text.getAttribute("y"));
            double ems = text.getTextContent().chars().mapToDouble(c -> "%mwMW@".indexOf(c) >= 0 ? 1.0
                    : Character.isUpperCase(c) ? 0.78 : 0.64).sum();
            double width = ems * size * (text.getAttribute("font-weight").equals("bold") ? 1.1 : 1.0);
            double x1 = switch (text.getAttribute("text-anchor")) {
                case "end" -> x - width;
                case "middle" -> x - width / 2;
                default -> x;
            };
            return new Box(x1, y - 0.75 * size, x1 + width, y + 0.22 * size);
        }
    }
}
