package dev.sockscope.proxy.intercept;

/**
 * Decodes one intercepted message for the conditions that need its meaning (a breakpoint's label or kind) and for
 * showing held messages. The command line wires in the protocol decoders; without them nothing has a label.
 */
public interface MessageLabels {
    MessageLabels NONE = m -> Labels.NONE;

    Labels of(InterceptedMessage message);

    /** A decoded label ({@code LOGIN}) and kind ({@code request}), either null when unknown. */
    record Labels(String label, String kind) {
        public static final Labels NONE = new Labels(null, null);
    }
}
