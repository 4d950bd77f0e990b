package dev.sockscope.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.recordings.H2RecordingStore;

/** Bound beyond loopback, the inspector requires its token, by header, by the printed URL, then by cookie. */
class InspectorTokenTest {
    @TempDir
    Path dir;

    @Test
    void aNonLoopbackAddressRequiresTheToken() throws Exception {
        InspectorOptions options = InspectorOptions.parse("0.0.0.0:0", null);
        assertThat(options.token()).as("made up when not given").hasSizeGreaterThanOrEqualTo(32);
        assertThat(InspectorOptions.parse("127.0.0.1:0", null).token()).isNull();
        try (H2RecordingStore store = H2RecordingStore.open(dir); TestSource live = new TestSource();
             InspectorApp app = new InspectorApp(store, live, ProtocolRegistry.builtIn(), options).start()) {
            Http http = new Http(app.port());
            assertThat(app.url()).endsWith("/?token=" + options.token());
            Http.Answer without = http.get("/api/sessions");
            assertThat(without.status()).isEqualTo(401);
            assertThat(without.json().get("error").asText()).contains("token");
            assertThat(http.get("/").status()).isEqualTo(401);
            assertThat(http.get("/api/sessions", "Authorization", "Bearer wrong").status()).isEqualTo(401);
            assertThat(http.get("/api/sessions", "Authorization", "Bearer " + options.token()).status()).isEqualTo(200);
            Http.Answer byUrl = http.get("/?token=" + options.token());
            assertThat(byUrl.status()).isEqualTo(200);
            String cookie = byUrl.header("Set-Cookie");
            assertThat(cookie).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
            assertThat(http.get("/api/sessions", "Cookie", cookie.substring(0, cookie.indexOf(';'))).status()).isEqualTo(200);
        }
    }
}
