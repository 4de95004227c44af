import PGLensAuth
import Testing

@Suite struct SecretDescriptionTests {
    @Test func clientSecretDescriptionHidesSecret() {
        #expect(String(describing: SCRAMClientExchange.Secret.password("hunter2")) == "<password>")
    }
}
