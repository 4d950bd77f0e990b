package dev.sockscope.recordings;

/**
 * Where sessions and frames are kept: a reader, a writer and a masking key in one. Two implementations: an H2 folder
 * ({@link H2RecordingStore}, the default) and a PostgreSQL database shared by a team ({@link PgRecordingStore});
 * open either with {@link Stores}.
 */
public interface RecordingStore extends RecordingReader, RecordingWriter, MaskingSource {

    @Override
    void close();
}
