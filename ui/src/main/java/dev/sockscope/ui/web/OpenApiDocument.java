package dev.sockscope.ui.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sockscope.ui.BuildVersion;
import dev.sockscope.ui.views.Json;
import io.javalin.http.Context;

/**
 * {@code GET /api/openapi.json}: the OpenAPI document of this API, written by hand beside this class and kept honest by
 * {@code OpenApiDocumentTest} (every route in it and nothing else, the parameters each endpoint accepts, the shapes of
 * real answers), with the build's version.
 */
final class OpenApiDocument {
    static final String RESOURCE = "openapi.json";
    private final String json;

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + OpenApiDocument.class.getName());
            }
            JsonNode doc = Json.MAPPER.readTree(in);
            ((ObjectNode) doc.get("info")).put("version", BuildVersion.get().orElse("unknown"));
            this.json = Json.write(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    void serve(Context ctx) {
        new Params(ctx);
        ctx.contentType("application/json; charset=utf-8").result(json);
    }
}
