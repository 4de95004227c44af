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
            let key = registry.register().key
            #expect(key.processID > 0)
            #expect(key.secret.count == 4)
            keys.insert(key)
        }
        #expect(keys.count == 1000)
        #expect(Set(keys.map(\.processID)).count > 990)
    }

    @Test func registeredKeyHasNoTargetUntilUpdated() throws {
        let registry = CancelRegistry()
        let route = registry.register()
        #expect(registry.target(for: route.key) == nil)
        route.update(try Self.target(port: 5432, processID: 777))
        let found = try #require(registry.target(for: route.key))
        #expect(found.address == (try SocketAddress(ipAddress: "127.0.0.1", port: 5432)))
        #expect(found.key == CancelKey(processID: 777, secret: [1, 2, 3, 4]))
    }

    @Test func updateReplacesAndClearsTheTarget() throws {
        let registry = CancelRegistry()
        let route = registry.register()
        route.update(try Self.target(port: 5432, processID: 1))
        route.update(try Self.target(port: 5433, processID: 2))
        let found = try #require(registry.target(for: route.key))
        #expect(found.address.port == 5433)
        #expect(found.key.processID == 2)
        route.update(nil)
        #expect(registry.target(for: route.key) == nil)
        route.update(try Self.target(port: 5434, processID: 3))
        #expect(registry.target(for: route.key)?.key.processID == 3)
    }

    @Test func targetsOfDifferentClientsAreKeptApart() throws {
        let registry = CancelRegistry()
        let first = registry.register()
        let second = registry.register()
        first.update(try Self.target(port: 6001, processID: 11))
        second.update(try Self.target(port: 6002, processID: 22))
        #expect(registry.target(for: first.key)?.key.processID == 11)
        #expect(registry.target(for: second.key)?.key.processID == 22)
        #expect(registry.target(for: second.key)?.address.port == 6002)
    }

    @Test func removedKeyHasNoTargetAndIgnoresUpdates() throws {
        let registry = CancelRegistry()
        let route = registry.register()
        route.update(try Self.target(port: 5432, processID: 1))
        registry.remove(route.key)
        #expect(registry.target(for: route.key) == nil)
        route.update(try Self.target(port: 5432, processID: 1))
        #expect(registry.target(for: route.key) == nil)
    }

    @Test func unknownKeyHasNoTarget() throws {
        let registry = CancelRegistry()
        let registered = registry.register()
        registered.update(try Self.target(port: 5432, processID: 1))
        let unknown = CancelKey(
            processID: registered.key.processID, secret: registered.key.secret.map { $0 ^ 0x01 })
        #expect(registry.target(for: unknown) == nil)
        #expect(registry.target(for: registered.key)?.key.processID == 1)
    }

    @Test func secretMustMatchExactly() throws {
        let registry = CancelRegistry()
        let route = registry.register()
        let key = route.key
        route.update(try Self.target(port: 5432, processID: 9))
        #expect(registry.target(for: CancelKey(processID: key.processID, secret: key.secret + [0])) == nil)
        #expect(registry.target(for: CancelKey(processID: key.processID &+ 1, secret: key.secret)) == nil)
        #expect(registry.target(for: key)?.key.processID == 9)
    }
}
