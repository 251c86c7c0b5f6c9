package dev.logtocp.schema.signing;

import dev.logtocp.schema.wire.WireFormatSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A value serializer that serializes with a delegate (by default {@link WireFormatSerializer}) and then signs the
 * result into the record's headers with a {@link CommandSigner}.
 *
 * <p>Two ways to build it: in code, {@code new SigningSerializer(delegate, signer)} (Kafka does not call
 * {@link #configure} on instances handed to the producer; call it yourself if the delegate needs it), or by class
 * name in the producer's properties ({@code value.serializer=dev.logtocp.schema.signing.SigningSerializer}) with:
 *
 * <ul>
 *   <li>{@value #KEY_ID} — the key id the processor's issuer policy knows (required)</li>
 *   <li>{@value #ALGORITHM} — {@code ed25519} (default) or {@code hmac-sha256}</li>
 *   <li>{@value #PRIVATE_KEY_FILE} — PEM PKCS#8 Ed25519 private key (for {@code ed25519})</li>
 *   <li>{@value #HMAC_SECRET_FILE} — file holding the shared secret (for {@code hmac-sha256}), read by
 *       {@link HmacSecrets#read}</li>
 *   <li>{@value #DELEGATE} — class name of the inner serializer, default {@link WireFormatSerializer}; it is
 *       configured with the same properties</li>
 * </ul>
 *
 * <p>Signs record values only: configured as a key serializer it refuses to start. A {@code null} value
 * (tombstone) is passed through unsigned. {@link #serialize(String, Object)} without headers throws, since a
 * silently unsigned command would be refused by the processor much later.
 *
 * <p>Thread-safe after {@link #configure}, as Kafka requires of serializers.
 */
public final class SigningSerializer implements Serializer<Object> {

    public static final String KEY_ID = "signing.key.id";
    public static final String ALGORITHM = "signing.algorithm";
    public static final String PRIVATE_KEY_FILE = "signing.private.key.file";
    public static final String HMAC_SECRET_FILE = "signing.hmac.secret.file";
    public static final String DELEGATE = "signing.delegate";

    private volatile Serializer<Object> delegate;
    private volatile CommandSigner signer;

    /** For Kafka's reflective instantiation; everything comes from {@link #configure}. */
    public SigningSerializer() {}

    /** Signs what {@code delegate} produces with {@code signer}. */
    public SigningSerializer(Serializer<Object> delegate, CommandSigner signer) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (isKey) {
            throw new ConfigException("SigningSerializer signs record values; use it as value.serializer");
        }
        if (delegate == null) {
            delegate = newDelegate(string(configs, DELEGATE));
        }
        if (signer == null) {
            signer = signerFrom(configs);
        }
        delegate.configure(configs, false);
    }

    /** The signer the {@code signing.*} properties describe. */
    static CommandSigner signerFrom(Map<String, ?> configs) {
        String keyId = string(configs, KEY_ID);
        if (keyId == null) {
            throw new ConfigException(KEY_ID + " is required");
        }
        String algorithm = string(configs, ALGORITHM);
        algorithm = algorithm == null ? SignatureHeaders.ALG_ED25519 : algorithm.toLowerCase(Locale.ROOT);
        switch (algorithm) {
            case SignatureHeaders.ALG_ED25519 -> {
                String file = string(configs, PRIVATE_KEY_FILE);
                if (file == null) {
                    throw new ConfigException(PRIVATE_KEY_FILE + " is required with " + ALGORITHM + "=ed25519");
                }
                try {
                    return CommandSigner.ed25519(
                            keyId,
                            Ed25519Keys.privateKeyFromPem(Files.readString(Path.of(file), StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new ConfigException(PRIVATE_KEY_FILE + ": cannot read " + file + " ("
                            + e.getClass().getSimpleName() + ")");
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(PRIVATE_KEY_FILE + ": " + file + ": " + e.getMessage());
                }
            }
            case SignatureHeaders.ALG_HMAC_SHA256 -> {
                String file = string(configs, HMAC_SECRET_FILE);
                if (file == null) {
                    throw new ConfigException(HMAC_SECRET_FILE + " is required with " + ALGORITHM + "=hmac-sha256");
                }
                try {
                    return CommandSigner.hmacSha256(keyId, HmacSecrets.read(Path.of(file)));
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    throw new ConfigException(HMAC_SECRET_FILE + ": " + e.getMessage());
                }
            }
            default -> throw new ConfigException(ALGORITHM + " must be ed25519 or hmac-sha256, not " + algorithm);
        }
    }

    @SuppressWarnings("unchecked")
    private static Serializer<Object> newDelegate(String className) {
        if (className == null) {
            return new WireFormatSerializer();
        }
        try {
            Class<?> type = Class.forName(
                    className,
                    true,
                    Thread.currentThread().getContextClassLoader() != null
                            ? Thread.currentThread().getContextClassLoader()
                            : SigningSerializer.class.getClassLoader());
            if (!Serializer.class.isAssignableFrom(type)) {
                throw new ConfigException(DELEGATE + ": " + className + " is not a Kafka Serializer");
            }
            return (Serializer<Object>) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException
                | NoSuchMethodException
                | InstantiationException
                | IllegalAccessException
                | InvocationTargetException e) {
            throw new ConfigException(DELEGATE + ": cannot instantiate " + className + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String string(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    /** Refused: without headers there is nowhere to put the signature. */
    @Override
    public byte[] serialize(String topic, Object data) {
        throw new SerializationException(
                "SigningSerializer needs the record headers; call serialize(topic, headers, data)");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        Serializer<Object> inner = delegate;
        CommandSigner current = signer;
        if (inner == null || current == null) {
            throw new SerializationException("SigningSerializer is not configured");
        }
        byte[] value = inner.serialize(topic, headers, data);
        if (value == null) {
            return null;
        }
        try {
            current.sign(topic, value, headers);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("topic " + topic + ": cannot sign the value: " + e.getMessage(), e);
        }
        return value;
    }

    @Override
    public void close() {
        Serializer<Object> inner = delegate;
        if (inner != null) {
            inner.close();
        }
    }
}
