package dev.sockscope.decode.graphql;

/**
 * The operation a GraphQL document runs, as its label shows it: {@code subscription OnMessage}, {@code query GetUser},
 * {@code query} for the anonymous shorthand {@code { hello }}.
 *
 * <p>Found by a cheap scan of the document's top level, not a parse: names, braces and parentheses, skipping strings,
 * block strings and comments, so that a huge query costs one pass and an invalid one still gets a label.
 *
 * @param type {@code query}, {@code mutation} or {@code subscription}
 * @param name the operation's name, or null for an anonymous one
 */
record Operation(String type, String name) {

    /** The label: type and name. */
    String label() {
        return name == null ? type : type + " " + name;
    }

    /**
     * The operation {@code query} runs: the one called {@code operationName} (the client's choice among several), else
     * the first; null when the text holds no operation (empty, only fragments). When {@code operationName} is given but
     * not found, the first operation's type with that name.
     */
    static Operation of(String query, String operationName) {
        if (query == null) {
            return null;
        }
        Scan scan = new Scan(query, operationName);
        Operation found = scan.run();
        if (found != null) {
            return found;
        }
        Operation first = scan.first;
        if (first != null && operationName != null) {
            return new Operation(first.type, operationName);
        }
        return first;
    }

    /** One pass over the document. */
    private static final class Scan {
        private final String q;
        private final String wanted;
        private final int n;
        private int i;
        private int depth;
        /** The keyword that opened the current top-level definition (query, fragment, ...), or null between them. */
        private String definition;
        private boolean expectName;
        Operation first;

        Scan(String q, String wanted) {
            this.q = q;
            this.wanted = wanted;
            this.n = q.length();
        }

        /** The wanted operation (the first when none is named), or null; {@link #first} is set on the way. */
        Operation run() {
            while (i < n) {
                char c = q.charAt(i);
                if (c == '#') {
                    skipComment();
                } else if (c == '"') {
                    skipString();
                } else if (c == '{' || c == '(' || c == '[') {
                    if (depth == 0) {
                        // A body or variables before any name: an anonymous operation ({ hello } is a query).
                        Operation op = definition == null && c == '{' ? new Operation("query", null)
                                : expectName ? new Operation(definition, null) : null;
                        if (op != null && found(op)) {
                            return op;
                        }
                    }
                    if (depth == 0) {
                        expectName = false;
                    }
                    depth++;
                    i++;
                } else if (c == '}' || c == ')' || c == ']') {
                    depth = Math.max(0, depth - 1);
                    if (depth == 0 && c == '}') {
                        definition = null;
                        expectName = false;
                    }
                    i++;
                } else if (depth == 0 && isNameStart(c)) {
                    String name = readName();
                    if (definition == null) {
                        definition = name;
                        expectName = isOperation(name);
                    } else if (expectName) {
                        expectName = false;
                        Operation op = new Operation(definition, name);
                        if (found(op)) {
                            return op;
                        }
                    }
                } else {
                    if (depth == 0 && c == '@') {
                        // A directive before the body: an anonymous operation.
                        if (expectName && found(new Operation(definition, null))) {
                            return new Operation(definition, null);
                        }
                        expectName = false;
                    }
                    i++;
                }
            }
            return null;
        }

        /** Records an operation; true when it is the one wanted. */
        private boolean found(Operation op) {
            if (first == null) {
                first = op;
            }
            return wanted == null || wanted.equals(op.name);
        }

        private String readName() {
            int start = i;
            while (i < n && isNamePart(q.charAt(i))) {
                i++;
            }
            return q.substring(start, i);
        }

        private void skipComment() {
            while (i < n && q.charAt(i) != '\n' && q.charAt(i) != '\r') {
                i++;
            }
        }

        private void skipString() {
            if (q.startsWith("\"\"\"", i)) {
                int end = q.indexOf("\"\"\"", i + 3);
                while (end > 0 && q.charAt(end - 1) == '\\') {
                    end = q.indexOf("\"\"\"", end + 3);
                }
                i = end < 0 ? n : end + 3;
                return;
            }
            i++;
            while (i < n) {
                char c = q.charAt(i);
                if (c == '\\') {
                    i += 2;
                } else if (c == '"' || c == '\n') {
                    i++;
                    return;
                } else {
                    i++;
                }
            }
        }

        private static boolean isOperation(String keyword) {
            return keyword.equals("query") || keyword.equals("mutation") || keyword.equals("subscription");
        }

        private static boolean isNameStart(char c) {
            return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static boolean isNamePart(char c) {
            return isNameStart(c) || (c >= '0' && c <= '9');
        }
    }
}
