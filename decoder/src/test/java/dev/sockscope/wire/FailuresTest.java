package dev.sockscope.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one walk to a failure's innermost cause, for the messages users read. */
class FailuresTest {
    @Test
    void rootMessageIsTheInnermostOneElseTheOutermostElseAClassName() {
        Exception wrapped = new RuntimeException("outer", new IllegalStateException("inner", new java.io.IOException("disk full")));
        assertThat(Failures.rootCause(wrapped)).hasMessage("disk full");
        assertThat(Failures.rootMessage(wrapped)).isEqualTo("disk full");
        assertThat(Failures.rootMessage(new RuntimeException("outer", new NullPointerException()))).isEqualTo("outer");
        assertThat(Failures.rootMessage(new IllegalStateException((String) null, new NullPointerException())))
                .isEqualTo("NullPointerException");
    }
}
