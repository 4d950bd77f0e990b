package dev.sockscope.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The one query-string parser: segments as sent (so a masker can rebuild the query), names and values decoded. */
class QueryStringTest {
    @Test
    void segmentsAreKeptAsSentAndJoinBackIntoTheQuery() {
        String query = "sid=2&&token=a%2Bb&flag&=x&";
        List<QueryString.Param> params = QueryString.parse(query);
        assertThat(params).extracting(QueryString.Param::text).containsExactly("sid=2", "", "token=a%2Bb", "flag", "=x", "");
        assertThat(String.join("&", params.stream().map(QueryString.Param::text).toList())).isEqualTo(query);
        QueryString.Param token = params.get(2);
        assertThat(token.rawName()).isEqualTo("token");
        assertThat(token.rawValue()).isEqualTo("a%2Bb");
        assertThat(token.value()).isEqualTo("a+b");
        assertThat(params.get(3).rawValue()).as("a name without =").isEmpty();
        assertThat(QueryString.parse(null)).isEmpty();
        assertThat(QueryString.parse("")).isEmpty();
    }

    @Test
    void theDecodedMapSkipsEmptySegmentsAndKeepsWhatIsNotValidUrlEncoding() {
        assertThat(QueryString.decoded("channel=2&&name=J%C3%B6rg&bad=100%&channel=3"))
                .containsExactly(Map.entry("channel", "3"), Map.entry("name", "Jörg"), Map.entry("bad", "100%"));
    }
}
