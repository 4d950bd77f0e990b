package dev.sockscope.proxy.rules;

/** A rules file that is refused: the message names the file, the line, the rule and the reason. */
public final class RuleFileException extends Exception {
    public RuleFileException(String message) {
        super(message);
    }
}
