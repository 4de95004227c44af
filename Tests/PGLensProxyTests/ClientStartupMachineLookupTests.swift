import NIOCore
import PGLensAuth
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// The login of users not in the config, whose secrets are looked up with `auth_query`.
@Suite struct ClientStartupMachineLookupTests {
    static func machine(_ method: ClientAuthMethod = .md5, users: [String: UserSecret] = [:]) -> ClientStartupMachine {
        var policy = ClientStartupMachineTests.policy(method, users: users)
        policy.looksUpUnknownUsers = { $0 == "app" }
        return ClientStartupMachine(policy: policy)
    }

    @Test func anUnknownUserIsLookedUpInTheDatabaseItAskedFor() {
        var machine = Self.machine()
        #expect(
            machine.startupPacketReceived(ClientStartupMachineTests.alice())
                == .lookUpSecret(user: "alice", database: "app"))
    }

    @Test func configuredUsersAndOtherDatabasesAreNotLookedUp() {
        var configured = Self.machine(.trust, users: ["alice": .plain("pw")])
        #expect(
            configured.startupPacketReceived(ClientStartupMachineTests.alice())
                == .authenticated(ClientStartupMachineTests.client(), prefix: []))
        var other = Self.machine(.trust)
        let packet = ClientStartupMachineTests.startup([("user", "alice"), ("database", "reports")])
        #expect(
            other.startupPacketReceived(packet)
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: .invalidAuthorizationSpecification,
                        message: "role \"alice\" is not permitted to log in")))
    }

    @Test func theLookedUpSecretIsCheckedLikeAConfiguredOne() throws {
        var machine = Self.machine()
        _ = machine.startupPacketReceived(ClientStartupMachineTests.alice())
        let hash = MD5Authentication.storedHash(password: "secret", user: "alice")
        let salt = try #require(ClientStartupMachineTests.md5Salt(machine.secretLookedUp(.md5Hash(hash))))
        let response = MD5Authentication.response(storedHash: hash, salt: salt)
        #expect(
            machine.passwordMessageReceived(
                ClientStartupMachineTests.body(.passwordOrSASL(ByteBuffer(string: response + "\0"))))
                == .authenticated(ClientStartupMachineTests.client(), prefix: []))
    }

    @Test func noSecretFoundFailsAsAWrongPasswordDoes() throws {
        var machine = Self.machine()
        _ = machine.startupPacketReceived(ClientStartupMachineTests.alice())
        let salt = try #require(ClientStartupMachineTests.md5Salt(machine.secretLookedUp(nil)))
        let response = MD5Authentication.response(
            storedHash: MD5Authentication.storedHash(password: "guess", user: "alice"), salt: salt)
        #expect(
            machine.passwordMessageReceived(
                ClientStartupMachineTests.body(.passwordOrSASL(ByteBuffer(string: response + "\0"))))
                == ClientStartupMachineTests.wrongPassword())
    }

    @Test func aFailedLookupRefusesWith08001() {
        var machine = Self.machine()
        _ = machine.startupPacketReceived(ClientStartupMachineTests.alice())
        guard case .fail(let error) = machine.secretLookupFailed() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.sqlState == .sqlclientUnableToEstablishSQLConnection)
        #expect(error.isFatal)
    }

    @Test func packetsWhileTheLookupRunsAreAProtocolViolation() {
        var machine = Self.machine()
        _ = machine.startupPacketReceived(ClientStartupMachineTests.alice())
        guard case .fail(let error) = machine.startupPacketReceived(ClientStartupMachineTests.alice()) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.sqlState == .protocolViolation)
        // And a late answer of the lookup changes nothing.
        guard case .fail = machine.secretLookedUp(.plain("pw")) else {
            Issue.record("expected a failure")
            return
        }
    }
}
