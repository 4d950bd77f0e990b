package dev.sockscope.ui.cli;

import dev.sockscope.capture.MemoryBudget;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --memory SIZE}: the one budget for what recording holds in memory (docs/recording.md, "Memory"). */
public final class MemoryOption {
    @Option(names = "--memory", paramLabel = "SIZE", converter = Converter.class,
            description = "What recording may hold in memory, split in four equal shares: the capture queue, the decoded queue,"
                    + " messages in flight and the store's cache, e.g. 256MiB. At least 16 MiB, at most 3/4 of the heap."
                    + " Default: 2/5 of the heap (-Xmx), at most 1 GiB.")
    MemoryBudget memory;

    /** The budget asked for, or this heap's default. */
    public MemoryBudget budget() {
        return memory == null ? MemoryBudget.forThisHeap() : memory;
    }

    /** Parses a size and checks it against the heap, so that picocli says what is wrong with it. */
    static final class Converter implements ITypeConverter<MemoryBudget> {
        @Override
        public MemoryBudget convert(String value) {
            try {
                return MemoryBudget.chosen(Sizes.parse(value, Long.MAX_VALUE / 4, "2 EiB"));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
