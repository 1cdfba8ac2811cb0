package io.chatplatform.notification.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zerodeplibs.webpush.MessageEncryptions;
import com.zerodeplibs.webpush.PushMessage;
import com.zerodeplibs.webpush.UserAgentMessageEncryptionKeyInfo;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The push endpoint of the ITs decrypts with {@link Rfc8291}: it is checked here against the RFC's own example, and
 * the library the service encrypts with is checked against it.
 */
class Rfc8291Test {

    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    /** RFC 8291 Appendix A. */
    @Test
    void decryptsTheExampleOfRfc8291AppendixA() throws GeneralSecurityException {
        Rfc8291.UserAgentKeys browser = Rfc8291.UserAgentKeys.of(
                B64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"),
                B64.decode("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                B64.decode("BTBZMqHH6r4Tts7J_aSIgg"));
        byte[] body = B64.decode("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCY"
                + "LocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSg"
                + "Sxsj_Qulcy4a-fN");

        assertThat(new String(Rfc8291.decrypt(body, browser), StandardCharsets.UTF_8))
                .isEqualTo("When I grow up, I want to be a watermelon");
    }

    @Test
    void aTamperedExampleDoesNotDecrypt() {
        Rfc8291.UserAgentKeys browser = Rfc8291.UserAgentKeys.of(
                B64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"),
                B64.decode("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                B64.decode("BTBZMqHH6r4Tts7J_aSIgg"));
        byte[] body = B64.decode("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCY"
                + "LocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSg"
                + "Sxsj_Qulcy4a-fN");
        body[body.length - 1] ^= 1;

        assertThatThrownBy(() -> Rfc8291.decrypt(body, browser)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void whatTheServiceEncryptsABrowserDecrypts() throws GeneralSecurityException {
        Rfc8291.UserAgentKeys browser = Rfc8291.UserAgentKeys.generate();
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        byte[] body = MessageEncryptions.of()
                .encrypt(UserAgentMessageEncryptionKeyInfo.of(encoder.encodeToString(browser.publicKey()),
                        encoder.encodeToString(browser.authSecret())), PushMessage.ofUTF8("{\"title\":\"Ünïcødé\"}"))
                .toBytes();

        assertThat(new String(Rfc8291.decrypt(body, browser), StandardCharsets.UTF_8))
                .isEqualTo("{\"title\":\"Ünïcødé\"}");
    }
}
