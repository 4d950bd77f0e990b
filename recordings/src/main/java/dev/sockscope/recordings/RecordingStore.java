package dev.sockscope.recordings;

/**
 * Where sessions and frames are kept: a reader, a writer and a masking key in one. One implementation today: an H2 folder
 * ({@link H2RecordingStore}).
 */
public interface RecordingStore extends RecordingReader, RecordingWriter, MaskingSource {

    @Override
    void close();
}
