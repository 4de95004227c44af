import NIOCore
import PGWire
import Testing

@testable import PGLensProxy

@Suite struct CancelRegistryTests {
    static func target(port: Int, processID: Int32) throws -> CancelTarget {
        CancelTarget(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: port),
            key: CancelKey(processID: processID, secret: [1, 2, 3, 4]))
    }

    @Test func registerGivesDistinctKeysWithPositiveProcessIDs() {
        let registry = CancelRegistry()
        var keys = Set<CancelKey>()
        for _ in 0..<1000 {
            let key = registry.register()
            #expect(key.processID > 0)
            #expect(key.secret.count == 4)
            keys.insert(key)
        }
        #expect(keys.count == 1000)
        #expect(Set(keys.map(\.processID)).count > 990)
    }

    @Test func registeredKeyHasNoTargetUntilUpdated() throws {
        let registry = CancelRegistry()
        let key = registry.register()
        #expect(registry.target(for: key) == nil)
        let target = try Self.target(port: 5432, processID: 777)
        registry.update(key, target: target)
        let found = try #require(registry.target(for: key))
        #expect(found.address == (try SocketAddress(ipAddress: "127.0.0.1", port: 5432)))
        #expect(found.key == CancelKey(processID: 777, secret: [1, 2, 3, 4]))
    }

    @Test func updateReplacesAndClearsTheTarget() throws {
        let registry = CancelRegistry()
        let key = registry.register()
        registry.update(key, target: try Self.target(port: 5432, processID: 1))
        registry.update(key, target: try Self.target(port: 5433, processID: 2))
        let found = try #require(registry.target(for: key))
        #expect(found.address.port == 5433)
        #expect(found.key.processID == 2)
        registry.update(key, target: nil)
        #expect(registry.target(for: key) == nil)
        registry.update(key, target: try Self.target(port: 5434, processID: 3))
        #expect(registry.target(for: key)?.key.processID == 3)
    }

    @Test func targetsOfDifferentClientsAreKeptApart() throws {
        let registry = CancelRegistry()
        let first = registry.register()
        let second = registry.register()
        registry.update(first, target: try Self.target(port: 6001, processID: 11))
        registry.update(second, target: try Self.target(port: 6002, processID: 22))
        #expect(registry.target(for: first)?.key.processID == 11)
        #expect(registry.target(for: second)?.key.processID == 22)
        #expect(registry.target(for: second)?.address.port == 6002)
    }

    @Test func removedKeyHasNoTargetAndIgnoresUpdates() throws {
        let registry = CancelRegistry()
        let key = registry.register()
        registry.update(key, target: try Self.target(port: 5432, processID: 1))
        registry.remove(key)
        #expect(registry.target(for: key) == nil)
        registry.update(key, target: try Self.target(port: 5432, processID: 1))
        #expect(registry.target(for: key) == nil)
    }

    @Test func unknownKeyHasNoTargetAndUpdateDoesNotRegisterIt() throws {
        let registry = CancelRegistry()
        let registered = registry.register()
        let unknown = CancelKey(processID: registered.processID, secret: registered.secret.map { $0 ^ 0x01 })
        #expect(registry.target(for: unknown) == nil)
        registry.update(unknown, target: try Self.target(port: 5432, processID: 1))
        #expect(registry.target(for: unknown) == nil)
        #expect(registry.target(for: registered) == nil)
    }

    @Test func secretMustMatchExactly() throws {
        let registry = CancelRegistry()
        let key = registry.register()
        registry.update(key, target: try Self.target(port: 5432, processID: 9))
        #expect(registry.target(for: CancelKey(processID: key.processID, secret: key.secret + [0])) == nil)
        #expect(registry.target(for: CancelKey(processID: key.processID &+ 1, secret: key.secret)) == nil)
        #expect(registry.target(for: key)?.key.processID == 9)
    }
}
