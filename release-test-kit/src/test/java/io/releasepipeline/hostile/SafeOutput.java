package io.releasepipeline.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.api.SoftAssertions;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
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
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.w3c.dom.Document;

/**
 * The one checker for what goes out, used on every pull-request comment, deployment description, report, chart, log
 * and console line the hostile-input tests capture. Markdown is judged by what a CommonMark parser (the GFM core
 * GitHub renders with) makes of it, not by its spelling. Each method fails with every problem it found.
 */
public final class SafeOutput {

    private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    /** What GitHub's mention filter looks for in rendered text: an @ at a word start, then a login. */
    private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_])@[A-Za-z0-9]");

    /**
     * Characters that must never go out raw: controls, bidi formatting, BOM, non-characters, lone surrogates; in log
     * and console output, line feeds (which end lines) and tabs (which start a stack trace's lines) are fine.
     */
    private static boolean forbidden(int cp, boolean lines) {
        if (cp == '\n') {
            return !lines;
        }
        if (cp == '\t') {
            // A stack trace's own lines start with a tab; a tab cannot make a line.
            return !lines;
        }
        return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                || cp == 0x061C || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF);
    }

    private SafeOutput() {
    }

    /**
     * Markdown that GitHub renders (a comment, a report): at most {@code maxChars} characters; no forbidden
     * character; no raw HTML or HTML comment; no image but a relative {@code .svg} (the report's chart); no link to
     * the {@linkplain HostileText#EVIL_HOST hostile host} unless it is an encoded URL the record itself holds; no
     * code block or rule; no heading, quote or list item that starts with hostile text; no mention in any text; and
     * no line that starts with a fragment the payload put after a line break.
     */
    public static void assertSafeMarkdown(String what, String markdown, int maxChars) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(markdown.length()).as("%s: length", what).isLessThanOrEqualTo(maxChars);
        forbiddenCharacters(soft, what, markdown.replace("\n", ""), false);
        List<Node> nodes = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        MARKDOWN.parse(markdown).accept(new AbstractVisitor() {
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

            @Override
            public void visit(Code c) {
                nodes.add(c);
                text.append(c.getLiteral()).append('\n');
            }

            @Override
            public void visit(HtmlInline h) {
                nodes.add(h);
            }

            @Override
            public void visit(HtmlBlock h) {
                nodes.add(h);
            }

            @Override
            public void visit(FencedCodeBlock f) {
                nodes.add(f);
            }

            @Override
            public void visit(IndentedCodeBlock i) {
                nodes.add(i);
            }
        });
        for (Node n : nodes) {
            if (n instanceof HtmlInline h) {
                soft.fail("%s: raw HTML %s", what, h.getLiteral());
            } else if (n instanceof HtmlBlock h) {
                soft.fail("%s: an HTML block %s", what, h.getLiteral());
            } else if (n instanceof Image i
                    && (i.getDestination().contains(":") || !i.getDestination().endsWith(".svg"))) {
                soft.fail("%s: an image from %s", what, i.getDestination());
            } else if (n instanceof Link l && l.getDestination().contains(HostileText.EVIL_HOST)
                    && l.getDestination().matches(".*[\\s()<>].*")) {
                soft.fail("%s: a link made from hostile text: %s", what, l.getDestination());
            } else if (n instanceof FencedCodeBlock || n instanceof IndentedCodeBlock || n instanceof ThematicBreak) {
                soft.fail("%s: a code block or rule (%s)", what, n.getClass().getSimpleName());
            } else if ((n instanceof Heading || n instanceof BlockQuote || n instanceof ListItem)
                    && firstText(n).startsWith(HostileText.SENTINEL)) {
                soft.fail("%s: hostile text made a %s: %s", what, n.getClass().getSimpleName(), firstText(n));
            }
        }
        java.util.regex.Matcher mention = MENTION.matcher(text);
        if (mention.find()) {
            soft.fail("%s: a mention in the rendered text: ...%s...", what,
                    text.substring(Math.max(0, mention.start() - 20), Math.min(text.length(), mention.end() + 20)));
        }
        lineStarts(soft, what, markdown);
        soft.assertAll();
    }

    /**
     * Plain text GitHub shows (a deployment status description): one line of at most {@code maxChars} characters, no
     * forbidden character, and, were it rendered as Markdown, no mention, image, link or HTML.
     */
    public static void assertSafeGitHubPlain(String what, String text, int maxChars) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(text.length()).as("%s: length", what).isLessThanOrEqualTo(maxChars);
        forbiddenCharacters(soft, what, text, false);
        List<Node> nodes = new ArrayList<>();
        StringBuilder rendered = new StringBuilder();
        MARKDOWN.parse(text).accept(new AbstractVisitor() {
            @Override
            protected void visitChildren(Node parent) {
                nodes.add(parent);
                super.visitChildren(parent);
            }

            @Override
            public void visit(Text t) {
                rendered.append(t.getLiteral());
            }

            @Override
            public void visit(HtmlInline h) {
                nodes.add(h);
            }
        });
        soft.assertThat(nodes).as("%s: as Markdown", what)
                .noneMatch(n -> n instanceof Image || n instanceof Link || n instanceof HtmlInline);
        soft.assertThat(MENTION.matcher(rendered).find()).as("%s: a mention in %s", what, rendered).isFalse();
        soft.assertAll();
    }

    /**
     * Log or console output: each line at most {@code maxLineChars} characters, no carriage return or other
     * forbidden character, no workflow command ({@code ::} at a line's start after blanks, {@code ##[} anywhere), and
     * no line that starts with a fragment the payload put after a line break (such as the forged log line).
     */
    public static void assertSafeLines(String what, String output, int maxLineChars) {
        SoftAssertions soft = new SoftAssertions();
        forbiddenCharacters(soft, what, output, true);
        for (String line : output.split("\n", -1)) {
            soft.assertThat(line.length()).as("%s: a line of %d characters", what, line.length())
                    .isLessThanOrEqualTo(maxLineChars);
            String afterBlanks = line.replaceFirst("^[\\s\\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000]+", "");
            if (afterBlanks.startsWith("::")) {
                soft.fail("%s: a workflow command: %s", what, clip(line));
            }
            if (line.contains("##[")) {
                soft.fail("%s: a legacy workflow command: %s", what, clip(line));
            }
        }
        lineStarts(soft, what, output);
        soft.assertAll();
    }

    /** XML 1.0 that a secure JDK parser (no DTD, no external entities) accepts, with no script or foreign content. */
    public static void assertValidXml(String what, String xml) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(true);
            doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(what + ": not well-formed XML 1.0: " + e.getMessage(), e);
        }
        assertThat(doc.getElementsByTagNameNS("*", "script").getLength()).as("%s: script", what).isZero();
        assertThat(doc.getElementsByTagNameNS("*", "foreignObject").getLength()).as("%s: foreignObject", what).isZero();
        assertThat(doc.getElementsByTagNameNS("*", "img").getLength()).as("%s: img", what).isZero();
    }

    private static void forbiddenCharacters(SoftAssertions soft, String what, String s, boolean lines) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (forbidden(cp, lines)) {
                soft.fail("%s: U+%04X at %d: ...%s...", what, cp, i,
                        s.substring(Math.max(0, i - 30), Math.min(s.length(), i + 10)));
                return;
            }
            i += Character.charCount(cp);
        }
    }

    private static void lineStarts(SoftAssertions soft, String what, String output) {
        for (String line : output.split("\n")) {
            for (String start : HostileText.lineStarts()) {
                if (line.strip().startsWith(start)) {
                    soft.fail("%s: hostile text starts a line: %s", what, clip(line));
                }
            }
        }
    }

    private static String firstText(Node n) {
        Node child = n.getFirstChild();
        while (child != null && !(child instanceof Text)) {
            child = child.getFirstChild();
        }
        return child == null ? "" : ((Text) child).getLiteral().strip();
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
