package dev.sockscope.decode.binary;

/** One format {@link PayloadFormats} can open. */
interface PayloadFormat {

    /**
     * Whether the payload may be this format, from its first bytes only: no allocation, no parse. It runs on every
     * binary frame no decoder claims, most of which are none of these formats.
     */
    boolean mayBe(byte[] payload);

    /** The payload opened, or null when it is not this format after all. Never throws; bounded by {@code limits}. */
    OpenedPayload open(byte[] payload, Limits limits);
}
