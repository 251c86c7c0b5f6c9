package dev.logtocp.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Signs a user in to a real Logto the way its sign-in page would, without the page: an OIDC authorization request
 * (PKCE) opens an interaction, the Experience API verifies the password and submits it, and the redirects are
 * followed until the application's redirect URI receives its code. What is left in Logto is a real OIDC session and
 * grant, the only way to get them: the Management API cannot create sessions.
 *
 * <p>The flow signs in to a single-page application named {@value #APP_NAME}, created on first use through the
 * Management API, or to a third-party application named {@value #PARTNER_APP_NAME} (also created on first use),
 * whose sign-in ends with the consent step a third-party application asks for. Each call uses its own cookie jar,
 * so each call makes a new session. Not for the simulator, which has no sign-in routes; it seeds sessions instead.
 * Blocking; one sign-in at a time per instance. Public for the processor's ITs, which sign users in the same way.
 */
public final class RealSignIn {

    static final String APP_NAME = "contract-suite-sign-in";
    static final String PARTNER_APP_NAME = "contract-suite-partner";
    private static final String REDIRECT_URI = "http://localhost:9/contract-suite/callback";
    private static final int MAX_REDIRECTS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String endpoint;
    private final ApiClient api;
    private String applicationId;
    private String partnerApplicationId;

    public RealSignIn(String endpoint, ApiClient api) {
        this.endpoint = endpoint;
        this.api = api;
    }

    /** The id of the application the sign-ins are to, created if the server does not have it yet. */
    public String applicationId() {
        if (applicationId == null) {
            applicationId = findOrCreateApplication(APP_NAME, false);
        }
        return applicationId;
    }

    /** The id of the third-party application, created if the server does not have it yet. */
    public String partnerApplicationId() {
        if (partnerApplicationId == null) {
            partnerApplicationId = findOrCreateApplication(PARTNER_APP_NAME, true);
        }
        return partnerApplicationId;
    }

    /** Signs the user in once; afterwards the user has one more session and one more grant. */
    public void signIn(String username, String password) {
        signIn(username, password, false);
    }

    /** Signs the user in to the first-party or the third-party application; one more session and grant. */
    public void signIn(String username, String password, boolean thirdParty) {
        HttpClient browser = browser();
        String clientId = thirdParty ? partnerApplicationId() : applicationId();
        String verificationId = verifyPassword(browser, clientId, username, password);
        expect(
                send(
                        browser,
                        "POST",
                        endpoint + "/api/experience/identification",
                        new JsonObject().put("verificationId", verificationId)),
                204);
        HttpResponse<String> submitted = send(browser, "POST", endpoint + "/api/experience/submit", null);
        expect(submitted, 200);
        String url = new JsonObject(submitted.body()).getString("redirectTo");
        for (int i = 0; i < MAX_REDIRECTS; i++) {
            if (URI.create(url).getPath().equals("/consent")) {
                // The consent page of a third-party application; what its button does.
                HttpResponse<String> consented =
                        send(browser, "POST", endpoint + "/api/interaction/consent", new JsonObject());
                expect(consented, 200);
                url = new JsonObject(consented.body()).getString("redirectTo");
                continue;
            }
            HttpResponse<String> step = send(browser, "GET", url, null);
            String location = step.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw new IllegalStateException("sign-in stopped without a redirect: HTTP " + step.statusCode());
            }
            url = URI.create(url).resolve(location).toString();
            if (url.startsWith(REDIRECT_URI)) {
                if (!url.contains("code=")) {
                    throw new IllegalStateException("sign-in ended without an authorization code");
                }
                return;
            }
        }
        throw new IllegalStateException("sign-in did not reach the redirect URI in " + MAX_REDIRECTS + " redirects");
    }

    /**
     * Where a password sign-in of the user stops at the password step: null when the password is accepted, else
     * Logto's error code (e.g. {@code password.expired}, which the password-expiration policy answers and no
     * Management API route shows). Leaves no session: the interaction is never submitted.
     */
    public String passwordRefusal(String username, String password) {
        try {
            verifyPassword(browser(), applicationId(), username, password);
            return null;
        } catch (PasswordRefused e) {
            return e.code;
        }
    }

    /** A password step answered with something other than 200. */
    private static final class PasswordRefused extends IllegalStateException {
        private final String code;

        PasswordRefused(String message, String code) {
            super(message);
            this.code = code;
        }
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Opens an interaction for the client and verifies the password; returns the verification id. */
    private String verifyPassword(HttpClient browser, String clientId, String username, String password) {
        String verifier = randomToken(48);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("redirect_uri", REDIRECT_URI);
        query.put("response_type", "code");
        // A third-party application may only ask for the scopes it was given for user consent, none here.
        query.put(
                "scope",
                clientId.equals(partnerApplicationId) ? "openid offline_access" : "openid offline_access profile");
        query.put("prompt", "login consent");
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        query.put("state", randomToken(8));
        HttpResponse<String> auth = send(browser, "GET", endpoint + "/oidc/auth?" + form(query), null);
        expect(auth, 302, 303);
        expect(
                send(browser, "PUT", endpoint + "/api/experience", new JsonObject().put("interactionEvent", "SignIn")),
                204);
        HttpResponse<String> verified = send(
                browser,
                "POST",
                endpoint + "/api/experience/verification/password",
                new JsonObject()
                        .put(
                                "identifier",
                                new JsonObject().put("type", "username").put("value", username))
                        .put("password", password));
        if (verified.statusCode() != 200) {
            String code = verified.body() != null && verified.body().startsWith("{")
                    ? new JsonObject(verified.body()).getString("code")
                    : null;
            throw new PasswordRefused(
                    "sign-in step POST /api/experience/verification/password answered " + verified.statusCode()
                            + (code == null ? "" : " " + code),
                    code);
        }
        return new JsonObject(verified.body()).getString("verificationId");
    }

    private String findOrCreateApplication(String name, boolean thirdParty) {
        ApiClient.Response list = api.get("/api/applications?page_size=100");
        if (list.status() == 200) {
            JsonArray apps = list.array();
            for (int i = 0; i < apps.size(); i++) {
                if (name.equals(apps.getJsonObject(i).getString("name"))) {
                    return apps.getJsonObject(i).getString("id");
                }
            }
        }
        // Logto takes third-party applications of the traditional web type only.
        JsonObject app = new JsonObject()
                .put("name", name)
                .put("type", thirdParty ? "Traditional" : "SPA")
                .put(
                        "oidcClientMetadata",
                        new JsonObject()
                                .put("redirectUris", new JsonArray().add(REDIRECT_URI))
                                .put("postLogoutRedirectUris", new JsonArray()));
        if (thirdParty) {
            app.put("isThirdParty", true);
        }
        ApiClient.Response created = api.post("/api/applications", app);
        if (created.status() != 200) {
            throw new IllegalStateException("could not create the sign-in application " + name + ": HTTP "
                    + created.status() + " " + created.code());
        }
        return created.json().getString("id");
    }

    private static HttpResponse<String> send(HttpClient browser, String method, String url, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null || !method.equals("GET")) {
            request.header("Content-Type", "application/json");
        }
        try {
            return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during sign-in", e);
        }
    }

    /** Fails with the step's status and Logto's error code only: the body of a sign-in step is not repeated. */
    private static void expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        String code = response.body() != null && response.body().startsWith("{")
                ? new JsonObject(response.body()).getString("code")
                : null;
        throw new IllegalStateException("sign-in step " + response.request().method() + " "
                + response.request().uri().getPath() + " answered " + response.statusCode()
                + (code == null ? "" : " " + code));
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
