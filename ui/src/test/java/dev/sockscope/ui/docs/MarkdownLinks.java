package dev.sockscope.ui.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files and the anchors GitHub gives their headings: enough of GitHub's rendering to
 * tell whether {@code [text](page.md#heading)} leads somewhere. Code blocks and inline code are not links.
 */
final class MarkdownLinks {
    private static final Pattern LINK = Pattern.compile("\\[(?:[^\\]\\\\]|\\\\.)*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");

    /** A link that leads nowhere: the file it is in, its line, its target and why. */
    record Broken(Path file, int line, String target, String why) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + target + ": " + why;
        }
    }

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /** Every relative link (and image) of these files whose file or anchor does not exist. */
    List<Broken> broken(List<Path> files) {
        List<Broken> broken = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = proseLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINK.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll(""));
                while (m.find()) {
                    String problem = problem(file, m.group(1));
                    if (problem != null) {
                        broken.add(new Broken(file, i + 1, m.group(1), problem));
                    }
                }
            }
        }
        return broken;
    }

    private String problem(Path file, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // https:, mailto: ... : not this repository's
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file : file.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(resolved)) {
            return "no such file " + resolved;
        }
        if (anchor == null) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        Set<String> known = anchors.computeIfAbsent(resolved.toAbsolutePath().normalize(), MarkdownLinks::anchorsOf);
        return known.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + path + " (there are " + known + ")";
    }

    /** The anchors of a file's headings as GitHub makes them, "-1", "-2" added to repeats. */
    static Set<String> anchorsOf(Path file) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(file)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** GitHub's heading slug: lower case, punctuation dropped (letters, digits, '-' and '_' stay), spaces to '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(java.util.Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    /** The file's lines, with the lines of fenced code blocks blanked so that their '#' and brackets are not read. */
    private static List<String> proseLines(Path file) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
                lines.set(i, "");
            } else if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
                lines.set(i, "");
            }
        }
        return lines;
    }
}
