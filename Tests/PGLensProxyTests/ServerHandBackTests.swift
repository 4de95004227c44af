import PGWire
import Testing

@testable import PGLensProxy

@Suite struct ServerHandBackTests {
    static func situation(
        transactionPooling: Bool = true, pinned: Bool = false, pinsOnSessionState: Bool = true,
        settingsReset: Bool = false, parametersChanged: Bool = false, reusable: Bool = true,
        status: TransactionStatus = .idle, reset: String? = "DISCARD ALL"
    ) -> ServerHandBack.Situation {
        ServerHandBack.Situation(
            transactionPooling: transactionPooling, pinned: pinned, pinsOnSessionState: pinsOnSessionState,
            settingsReset: settingsReset, parametersChanged: parametersChanged, reusable: reusable,
            transactionStatus: status, configuredResetQuery: reset)
    }

    // MARK: A transaction ended under transaction pooling

    @Test func aPlainTransactionGivesTheConnectionBackAsItIs() {
        #expect(
            ServerHandBack.transactionEnded(Self.situation())
                == ServerHandBack(disposal: .release, resetQuery: nil, settings: nil))
    }

    @Test func aClientDiscardAllLeavesTheDefaults() {
        #expect(ServerHandBack.transactionEnded(Self.situation(settingsReset: true)).settings == .defaults)
    }

    @Test func aReportedSettingChangedPinsTheClient() {
        #expect(
            ServerHandBack.transactionEnded(Self.situation(parametersChanged: true))
                == ServerHandBack(disposal: .keep, resetQuery: nil, settings: .unknown))
    }

    @Test func withoutThePinPolicyTheConnectionGoesBackUnknown() {
        #expect(
            ServerHandBack.transactionEnded(Self.situation(pinsOnSessionState: false, parametersChanged: true))
                == ServerHandBack(disposal: .release, resetQuery: nil, settings: .unknown))
    }

    // MARK: The client left

    @Test func transactionPoolingUnpinnedIsPooledWithoutReset() {
        #expect(
            ServerHandBack.clientLeft(Self.situation())
                == ServerHandBack(disposal: .release, resetQuery: nil, settings: nil))
    }

    @Test func aPinnedClientsConnectionIsReset() {
        #expect(
            ServerHandBack.clientLeft(Self.situation(pinned: true))
                == ServerHandBack(disposal: .release, resetQuery: "DISCARD ALL", settings: nil))
    }

    @Test func sessionPoolingResets() {
        #expect(
            ServerHandBack.clientLeft(Self.situation(transactionPooling: false))
                == ServerHandBack(disposal: .release, resetQuery: "DISCARD ALL", settings: nil))
    }

    @Test func sessionPoolingWithoutResetQueryLeavesTheSettingsUnknown() {
        #expect(
            ServerHandBack.clientLeft(Self.situation(transactionPooling: false, reset: nil))
                == ServerHandBack(disposal: .release, resetQuery: nil, settings: .unknown))
    }

    @Test func anOpenTransactionIsRolledBackFirst() {
        #expect(ServerHandBack.clientLeft(Self.situation(status: .inTransaction)).disposal == .rollbackThenRelease)
        #expect(ServerHandBack.clientLeft(Self.situation(status: .failed)).disposal == .rollbackThenRelease)
    }

    @Test func aHalfDoneRequestClosesTheConnection() {
        #expect(ServerHandBack.clientLeft(Self.situation(reusable: false)).disposal == .close)
    }

    @Test func aChangedReportedSettingLeftUnderTransactionPoolingIsUnknown() {
        #expect(ServerHandBack.clientLeft(Self.situation(parametersChanged: true)).settings == .unknown)
        #expect(ServerHandBack.clientLeft(Self.situation(settingsReset: true)).settings == .defaults)
    }
}
