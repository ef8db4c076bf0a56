package io.releasepipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link SafeText}, checked against what a CommonMark parser (the GFM core GitHub renders with) makes of
 * the output, not against the output's spelling alone.
 */
class SafeTextTest {

    private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    /** What a parser found in a Markdown text: every node by kind, and the text a reader sees. */
    private static final class Rendered extends AbstractVisitor {
        final List<Node> nodes = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        static Rendered of(String markdown) {
            Rendered r = new Rendered();
            MARKDOWN.parse(markdown).accept(r);
            return r;
        }

        @Override
        protected void visitChildren(Node parent) {
            nodes.add(parent);
            super.visitChildren(parent);
        }

        @Override
        public void visit(Text t) {
            nodes.add(t);
            text.append(t.getLiteral());
        }

        @Override
        public void visit(Code c) {
            nodes.add(c);
            text.append(c.getLiteral());
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

        boolean has(Class<? extends Node> kind) {
            return nodes.stream().anyMatch(kind::isInstance);
        }
    }

    /** What GitHub's mention filter looks for in rendered text: an @ at a word start followed by a login. */
    private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_`])@[A-Za-z0-9]");

    @Nested
    @DisplayName("Markdown for GitHub")
    class MarkdownRule {

        @Test
        @DisplayName("@user and @org/team read the same but are no mention: a zero-width space follows the @")
        void mentions() {
            String safe = SafeText.markdown("ping @alice and @trade-nexus/oncall, mail bob@example.com");

            Rendered r = Rendered.of(safe);
            assertThat(r.text.toString().replace("\u200B", ""))
                    .isEqualTo("ping @alice and @trade-nexus/oncall, mail bob@example.com");
            assertThat(MENTION.matcher(r.text).find()).isFalse();
        }

        @Test
        @DisplayName("images and links stay text: no image is loaded, no link made; the URL is still readable")
        void imagesAndLinks() {
            String safe = SafeText.markdown("see ![x](https://evil.example/t.png) and [here](https://evil.example) "
                    + "and [ref][1] and <https://evil.example/auto>");

            Rendered r = Rendered.of(safe);
            assertThat(r.has(Image.class)).isFalse();
            assertThat(r.has(Link.class)).isFalse();
            assertThat(r.text.toString()).isEqualTo("see ![x](https://evil.example/t.png) and [here]"
                    + "(https://evil.example) and [ref][1] and <https://evil.example/auto>");
        }

        @Test
        @DisplayName("HTML tags, comments and entities are escaped: they show as written")
        void html() {
            String hostile = "<img src=x onerror=alert(1)> <!-- hidden <script>x</script> &#64;alice &amp; &copy;";

            Rendered r = Rendered.of(SafeText.markdown(hostile));

            assertThat(r.has(HtmlInline.class)).isFalse();
            assertThat(r.has(HtmlBlock.class)).isFalse();
            assertThat(r.text.toString()).isEqualTo(hostile);
        }

        @Test
        @DisplayName("text at the start of a line cannot start a heading, quote, list, table, code block or rule")
        void blocksAtLineStart() {
            for (String hostile : List.of("# heading", "### heading", "> quote", "- item", "+ item", "* item",
                    "1. item", "12) item", "```java", "~~~", "| a | b |", "---", "===", "***", "    indented",
                    "<div>block</div>", "> [!WARNING]")) {
                String safe = SafeText.markdown(hostile);

                // Alone, and as the second line of a paragraph (a setext underline or a table delimiter row).
                for (String doc : List.of(safe, "para\n" + safe, "| h |\n" + safe)) {
                    Rendered r = Rendered.of(doc);
                    assertThat(r.nodes).as(hostile + " in " + doc)
                            .noneMatch(n -> n instanceof Heading || n instanceof BlockQuote || n instanceof BulletList
                                    || n instanceof OrderedList || n instanceof FencedCodeBlock
                                    || n instanceof IndentedCodeBlock || n instanceof ThematicBreak
                                    || n instanceof HtmlBlock || n instanceof TableCell);
                }
                assertThat(Rendered.of(safe).text.toString()).as(hostile).isEqualTo(hostile.strip());
            }
        }

        @Test
        @DisplayName("inline: CR, LF and the Unicode line separators become spaces, so nothing reaches a new line")
        void lineBreaks() {
            String safe = SafeText.markdown("first\r\n# second\n> third\u2028- fourth\r\u2029fifth");

            assertThat(safe).doesNotContain("\n", "\r", "\u2028", "\u2029");
            Rendered r = Rendered.of("**What happened:** " + safe);
            assertThat(r.has(Heading.class) || r.has(BlockQuote.class) || r.has(BulletList.class)).isFalse();
            assertThat(r.text.toString()).isEqualTo("What happened: first # second > third - fourth  fifth");
        }

        @Test
        @DisplayName("emphasis, strikethrough, math and pipes are escaped: a table row keeps its cells")
        void inlineMarkup() {
            String safe = SafeText.markdown("*a* _b_ **c** ~~d~~ $x$ a | b \\ `code`");

            Rendered r = Rendered.of("| cell | other |\n|---|---|\n| " + safe + " | 2 |");
            assertThat(r.has(Emphasis.class) || r.has(StrongEmphasis.class) || r.has(Code.class)).isFalse();
            assertThat(r.nodes.stream().filter(TableCell.class::isInstance).count()).isEqualTo(4);
            assertThat(r.text.toString()).isEqualTo("cellother*a* _b_ **c** ~~d~~ $x$ a | b \\ `code`2");
        }

        @Test
        @DisplayName("GitHub references (#123, GH-1, commit SHAs) are left alone: they link in the repository")
        void references() {
            assertThat(SafeText.markdown("fixes #123, GH-1 and 9f1c2ab")).isEqualTo("fixes #123, GH-1 and 9f1c2ab");
        }

        @Test
        @DisplayName("controls, bidirectional overrides, U+FFFE and lone surrogates show as \\uXXXX")
        void hidden() {
            String safe = SafeText.markdown("a\u001B[31mred\u202Eevil\u2066x\uFFFE\uFFFF\uD800z\u0007\u0085");

            assertThat(safe).isEqualTo("a\\u001B\\[31mred\\u202Eevil\\u2066x\\uFFFE\\uFFFF\\uD800z\\u0007 ");
            assertThat(Rendered.of(safe).text.toString())
                    .isEqualTo("a\\u001B[31mred\\u202Eevil\\u2066x\\uFFFE\\uFFFF\\uD800z\\u0007");
        }

        @Test
        @DisplayName("a field is capped (300 characters by default) and marked with an ellipsis")
        void capped() {
            String body = "x".repeat(100_000);

            assertThat(SafeText.markdown(body)).hasSize(SafeText.FIELD_LIMIT).endsWith(SafeText.ELLIPSIS);
            assertThat(SafeText.markdown(body, 50)).hasSize(50);
            assertThat(SafeText.markdown("short")).isEqualTo("short");
        }
    }

    @Nested
    @DisplayName("Markdown code spans")
    class CodeRule {

        @Test
        @DisplayName("backticks cannot close the span early: the fence is longer than any run inside")
        void backticks() {
            for (String hostile : List.of("a`b", "``x``", "`", "```", "x`", "` <img src=x> [x](y) `")) {
                String safe = SafeText.markdownCode(hostile);

                Rendered r = Rendered.of("before " + safe + " after");
                assertThat(r.nodes.stream().filter(Code.class::isInstance).map(n -> ((Code) n).getLiteral()))
                        .as(hostile).containsExactly(hostile.replace("\u200B", ""));
                assertThat(r.has(HtmlInline.class) || r.has(Link.class)).isFalse();
            }
        }

        @Test
        @DisplayName("pipes are escaped for tables, line breaks become spaces, mentions get a zero-width space")
        void tableSafe() {
            String safe = SafeText.markdownCode("a|b\n@alice");

            Rendered r = Rendered.of("| h | i |\n|---|---|\n| " + safe + " | 2 |");
            assertThat(r.nodes.stream().filter(TableCell.class::isInstance).count()).isEqualTo(4);
            assertThat(r.nodes.stream().filter(Code.class::isInstance).map(n -> ((Code) n).getLiteral()))
                    .containsExactly("a|b @\u200Balice");
        }

        @Test
        @DisplayName("an empty text still makes a visible span; spaces at both ends are kept")
        void edges() {
            assertThat(SafeText.markdownCode("")).isEqualTo("`\"\"`");
            assertThat(Rendered.of(SafeText.markdownCode(" x ")).nodes.stream().filter(Code.class::isInstance)
                    .map(n -> ((Code) n).getLiteral())).containsExactly(" x ");
        }
    }

    @Nested
    @DisplayName("plain text for GitHub (deployment status description)")
    class PlainRule {

        @Test
        @DisplayName("one line, as written, yet no mention, tag, entity, link or image even if rendered as Markdown")
        void plain() {
            String hostile = "@org/team <img src=x onerror=y> &#64; ![x](https://evil.example/t.png)\nnext";

            String safe = SafeText.githubPlain(hostile, 140);

            assertThat(safe.replace("\u200B", "")).isEqualTo(hostile.replace('\n', ' '));
            Rendered r = Rendered.of(safe);
            assertThat(r.has(Image.class) || r.has(Link.class) || r.has(HtmlInline.class)).isFalse();
            assertThat(MENTION.matcher(r.text).find()).isFalse();
        }

        @Test
        @DisplayName("at most the given length, whatever the input")
        void length() {
            assertThat(SafeText.githubPlain("@a".repeat(50_000), 140)).hasSizeLessThanOrEqualTo(140)
                    .endsWith(SafeText.ELLIPSIS);
        }
    }

    @Nested
    @DisplayName("log and console lines")
    class LineRule {

        @Test
        @DisplayName("a newline cannot forge a second log line: CR, LF and tab show as \\r, \\n, \\t")
        void forgedLine() {
            String safe = SafeText.line("fine\r\n[main] INFO io.releasepipeline.internal.Promotion - PROMOTED\tok");

            assertThat(safe).isEqualTo("fine\\r\\n[main] INFO io.releasepipeline.internal.Promotion - PROMOTED\\tok")
                    .doesNotContain("\n", "\r");
        }

        @Test
        @DisplayName("ESC (ANSI, OSC), BEL, C1 controls, DEL, U+2028/2029 and bidi overrides show as \\uXXXX")
        void terminalEscapes() {
            String safe = SafeText.line("\u001B[31mred\u001B]0;title\u0007\u009B2J\u007F\u2028\u2029"
                    + "\u202Aa\u202Eb\u2066c\u2069\u200F\u00A0ok");

            assertThat(safe).isEqualTo("\\u001B[31mred\\u001B]0;title\\u0007\\u009B2J\\u007F\\u2028\\u2029"
                    + "\\u202Aa\\u202Eb\\u2066c\\u2069\\u200F\u00A0ok");
            assertThat(safe.codePoints()).allMatch(cp -> cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0));
        }

        @Test
        @DisplayName("a workflow command (:: at the start, after blanks the runner skips) is defused")
        void workflowCommands() {
            assertThat(SafeText.line("::set-output name=x::y")).isEqualTo("\\::set-output name=x::y");
            assertThat(SafeText.line("  ::add-mask::secret")).isEqualTo("  \\::add-mask::secret");
            assertThat(SafeText.line("\u00A0\u2003::error::x")).isEqualTo("\u00A0\u2003\\::error::x");
            assertThat(SafeText.line("a::b")).isEqualTo("a::b");
            assertThat(SafeText.line("x\n::warning::y")).isEqualTo("x\\n::warning::y");
        }

        @Test
        @DisplayName("the runner's legacy ##[command] is found anywhere in a line, so ##[ is defused anywhere")
        void legacyCommands() {
            assertThat(SafeText.line("##[error]x and ##[add-mask]y, ###[z")).isEqualTo(
                    "##\\[error]x and ##\\[add-mask]y, ###\\[z");
            assertThat(SafeText.line("##[error]x")).doesNotContain("##[");
        }

        @Test
        @DisplayName("a value is capped (2,000 characters by default), never inside a surrogate pair")
        void capped() {
            assertThat(SafeText.line("y".repeat(100_000))).hasSize(SafeText.LINE_LIMIT);
            String emoji = "\uD83D\uDE00".repeat(10);
            assertThat(SafeText.line(emoji, 6)).isEqualTo("\uD83D\uDE00\uD83D\uDE00" + SafeText.ELLIPSIS);
        }

        @Test
        @DisplayName("a throwable to log keeps its stack trace and causes, each message on one line")
        void loggable() {
            IllegalStateException cause = new IllegalStateException("body:\n::add-mask::x");
            RuntimeException original = new RuntimeException("failed\r\n[main] INFO forged", cause);
            original.addSuppressed(new java.io.IOException("s\u001B[2J"));

            Throwable safe = SafeText.loggable(original);

            StringWriter trace = new StringWriter();
            safe.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString().lines()).allSatisfy(l -> assertThat(l)
                    .matches("(java\\.lang\\.RuntimeException: .*|\\s+at .*|\\s*\\.\\.\\. \\d+ more|Caused by: .*"
                            + "|\\s*Suppressed: .*)"))
                    .doesNotContain("[main] INFO forged").doesNotContain("::add-mask::x");
            assertThat(safe.toString()).isEqualTo("java.lang.RuntimeException: failed\\r\\n[main] INFO forged");
            assertThat(safe.getCause().toString()).isEqualTo("java.lang.IllegalStateException: body:\\n::add-mask::x");
            assertThat(safe.getSuppressed()).singleElement().hasToString("java.io.IOException: s\\u001B[2J");
            assertThat(safe.getStackTrace()).isEqualTo(original.getStackTrace());
        }
    }

    @Nested
    @DisplayName("XML 1.0")
    class XmlRule {

        @Test
        @DisplayName("markup is escaped; what XML 1.0 forbids (U+FFFE, U+FFFF, lone surrogates, C0) becomes U+FFFD")
        void xml() {
            String safe = SafeText.xml("<t a=\"1\">'&'\u0001\u0008\uFFFE\uFFFF\uD800x\uDC00\t\n\r\uD83D\uDE00\uE000");

            assertThat(safe).isEqualTo("&lt;t a=&quot;1&quot;&gt;&apos;&amp;&apos;\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDx"
                    + "\uFFFD\t\n\r\uD83D\uDE00\uE000");
        }
    }

    @Nested
    @DisplayName("caps and names")
    class Caps {

        @Test
        @DisplayName("a comment body is kept under GitHub's 65,536-character limit, cut at a line, saying so")
        void comment() {
            String body = ("line of a long note\n").repeat(10_000);

            String fitted = SafeText.fitComment(body);

            assertThat(fitted.length()).isLessThanOrEqualTo(SafeText.COMMENT_LIMIT)
                    .isLessThan(SafeText.GITHUB_COMMENT_LIMIT);
            assertThat(fitted).endsWith("(cut at 60,000 characters; the evidence has the rest)")
                    .contains("line of a long note\n\n" + SafeText.ELLIPSIS);
            assertThat(SafeText.fitComment("short")).isEqualTo("short");
        }

        @Test
        @DisplayName("a limit under 1 is refused")
        void badLimit() {
            assertThatThrownBy(() -> SafeText.truncate("x", 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxChars must be at least 1");
        }

        @Test
        @DisplayName("a location's file name alone: no local directory")
        void fileName() {
            assertThat(SafeText.fileName("/home/me/.ops/evidence/2026-01-05-app-pr1.md")).isEqualTo(
                    "2026-01-05-app-pr1.md");
            assertThat(SafeText.fileName("C:\\Users\\me\\evidence\\x.md")).isEqualTo("x.md");
            assertThat(SafeText.fileName("memory:evidence/app/pr1")).isEqualTo("pr1");
            assertThat(SafeText.fileName("x.md")).isEqualTo("x.md");
        }
    }
}
