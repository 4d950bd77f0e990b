package dev.sockscope.ui.web;

import dev.sockscope.ui.replay.Replayer;

/** Runs a replay inside the process that records (a proxy or the demo): the inspector's Replay action. */
@FunctionalInterface
public interface ReplayLauncher {
    Replayer.Result replay(long sessionId, Replayer.Options options) throws Exception;
}
