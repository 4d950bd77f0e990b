package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * What a handshake says about a protocol: items, each strong or weak, with the reason shown to people
 * ({@code subprotocol access_token}, {@code path /socket.io/ with EIO=4}). A strong item is enough to choose the protocol
 * at the handshake; weak items never are, however many: they only rank the decoders whose content tests are tried
 * first on the data frames.
 */
public record Evidence(List<Item> items) {
    public static final Evidence NONE = new Evidence(List.of());

    public Evidence {
        items = List.copyOf(items);
    }

    /** One piece of evidence. */
    public record Item(boolean strong, String reason) {
    }

    public static Evidence strong(String reason) {
        return new Evidence(List.of(new Item(true, reason)));
    }

    public static Evidence weak(String reason) {
        return new Evidence(List.of(new Item(false, reason)));
    }

    /** This evidence and {@code more}. */
    public Evidence and(Evidence more) {
        List<Item> all = new ArrayList<>(items);
        all.addAll(more.items);
        return new Evidence(all);
    }

    public boolean isStrong() {
        return items.stream().anyMatch(Item::strong);
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Strong items count more than any number of weak ones: the rank among decoders. */
    public long rank() {
        // A loop, not a stream: it runs in every comparison of the decoders' sort, for every session.
        long strong = 0;
        for (Item item : items) {
            if (item.strong()) {
                strong++;
            }
        }
        return strong * 1_000 + (items.size() - strong);
    }

    public List<String> reasons() {
        return items.stream().map(Item::reason).toList();
    }
}
