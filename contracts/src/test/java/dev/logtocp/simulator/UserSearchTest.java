package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class UserSearchTest {

    private static UserRecord user(String username, String email) {
        UserRecord user = new UserRecord("id" + username, 1, 0);
        user.username = username;
        user.primaryEmail = email;
        return user;
    }

    private static UserSearch parse(String... pairs) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            params.add(pairs[i], pairs[i + 1]);
        }
        return UserSearch.parse(params);
    }

    @Test
    void likeWithoutWildcardsIsACaseInsensitiveWholeMatch() {
        UserSearch search = parse("search", "probe_user");
        assertThat(search.test(user("PROBE_USER", null))).isTrue();
        assertThat(search.test(user("probe_user_c", null))).isFalse();
        assertThat(parse("search", "%user%").test(user("probe_user_c", null))).isTrue();
    }

    @Test
    void exactModeHonoursIsCaseSensitive() {
        assertThat(parse("search.username", "Ann", "mode.username", "exact").test(user("ann", null)))
                .isTrue();
        assertThat(parse("search.username", "Ann", "mode.username", "exact", "isCaseSensitive", "true")
                        .test(user("ann", null)))
                .isFalse();
    }

    @Test
    void jointAndRequiresEveryField() {
        UserSearch and =
                parse("search.username", "ann", "search.primaryEmail", "a@x.io", "mode", "exact", "joint", "and");
        assertThat(and.test(user("ann", "a@x.io"))).isTrue();
        assertThat(and.test(user("ann", "b@x.io"))).isFalse();
        UserSearch or = parse("search.username", "ann", "search.primaryEmail", "a@x.io", "mode", "exact");
        assertThat(or.test(user("ann", "b@x.io"))).isTrue();
    }

    @Test
    void customDataNestedFieldsAndBadModesAreRefused() {
        for (String[] query : new String[][] {
            {"search.customData", "x"}, {"search.foo.bar", "x"}, {"search.username", "x", "mode.username", "bogus"}
        }) {
            assertThatThrownBy(() -> parse(query))
                    .isInstanceOfSatisfying(
                            ApiError.class,
                            e -> assertThat(e.body.getString("code")).isEqualTo("request.invalid_input"));
        }
    }

    @Test
    void onlyAndedExactLookupsOnIndexedFieldsMayUseAnIndex() {
        assertThat(parse("search.username", "ann", "mode.username", "exact").indexHint())
                .isPresent();
        assertThat(parse("search.username", "ann").indexHint()).isEmpty();
        assertThat(parse("search.username", "ann", "search.name", "x", "mode", "exact")
                        .indexHint())
                .isEmpty();
        assertThat(parse("search.username", "ann", "search.name", "x", "mode", "exact", "joint", "and")
                        .indexHint())
                .isPresent();
    }
}
