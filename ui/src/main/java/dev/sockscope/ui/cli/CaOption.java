package dev.sockscope.ui.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --ca DIR}: where Sockscope's certificate authority lives. Default: {@code ca} beside the recordings folder. */
public final class CaOption {
    @Option(names = "--ca", paramLabel = "DIR",
            description = "Folder of Sockscope's certificate authority (default: 'ca' beside the recordings folder, ~/.sockscope/ca).")
    Path ca;

    public Path folder(Path recordings) {
        if (ca != null) {
            return ca;
        }
        Path parent = recordings.toAbsolutePath().getParent();
        return (parent == null ? recordings.toAbsolutePath() : parent).resolve("ca");
    }
}
