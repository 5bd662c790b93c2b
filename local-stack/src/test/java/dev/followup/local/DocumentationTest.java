package dev.followup.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user's pages stay true to the tree: every relative link in the README, the changelog and {@code docs/} leads to a
 * file (and heading) that exists, and every path of the code map in {@code docs/design.md} exists.
 */
class DocumentationTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String link : links(page)) {
                if (link.matches("^[a-z]+:.*") || link.startsWith("#") && link.length() == 1) {
                    continue; // http(s), mailto: not ours to check
                }
                checked++;
                String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
                String anchor = link.contains("#") ? link.substring(link.indexOf('#') + 1) : null;
                Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such file)");
                } else if (anchor != null && target.toString().endsWith(".md") && !anchors(target).contains(anchor)) {
                    broken.add(ROOT.relativize(page) + ": " + link + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(50);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyPathOfTheCodeMapExists() throws IOException {
        String design = Files.readString(ROOT.resolve("docs/design.md"));
        String map = design.substring(design.indexOf("## Code map"));
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String row : map.split("\n")) {
            if (!row.startsWith("| ") || row.startsWith("| behaviour")) {
                continue;
            }
            String where = row.split("\\|")[2];
            Path dir = null;
            Matcher m = CODE.matcher(where);
            while (m.find()) {
                String token = m.group(1);
                Path path;
                if (token.contains("/")) {
                    path = ROOT.resolve(token.replace("…", "src/main/java/dev/followup"));
                    dir = token.endsWith("/") ? path : path.getParent();
                } else if (token.matches("[A-Za-z0-9_.-]+\\.(java|avsc)") && dir != null) {
                    path = dir.resolve(token);
                } else if (token.equals("followup")) {
                    path = ROOT.resolve(token);
                } else {
                    continue; // a method name such as `build`
                }
                checked++;
                if (!Files.exists(path)) {
                    missing.add(ROOT.relativize(path).toString());
                }
            }
        }
        assertThat(checked).as("paths checked").isGreaterThan(80);
        assertThat(missing).as("code map paths that do not exist").isEmpty();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md"),
                ROOT.resolve("helm/followup-pipeline/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Links outside code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> links = new ArrayList<>();
        boolean inBlock = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (inBlock) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (m.find()) {
                links.add(m.group(1));
            }
        }
        return links;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path page) throws IOException {
        List<String> anchors = new ArrayList<>();
        boolean inBlock = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                inBlock = !inBlock;
            } else if (!inBlock && line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
