import Config
import Testing

@testable import PGRingServer

/// The made-up BackendKeyData pgring hands to clients, and their lookup for CancelRequest.
@Suite("CancelRegistry")
struct CancelRegistryTests {
    static let target = CancelTarget(address: ServerAddress(host: "127.0.0.1", port: 5432), processID: 4242, secretKey: [1, 2, 3, 4])

    @Test func registerGivesAPositivePidAndAFourByteSecret() {
        let registry = CancelRegistry()
        let key = registry.register()
        #expect(key.processID > 0)
        #expect(key.secretKey.count == 4)
        #expect(registry.count == 1)
    }

    @Test func thousandRegistrationsHaveDistinctPids() {
        let registry = CancelRegistry()
        let keys = (0..<1_000).map { _ in registry.register() }
        #expect(Set(keys.map(\.processID)).count == 1_000)
        #expect(registry.count == 1_000)
        #expect(keys.allSatisfy { $0.processID > 0 })
        // Secrets are random too: 1,000 four-byte secrets almost surely differ (a few collisions allowed).
        #expect(Set(keys.map(\.secretKey)).count > 990)
    }

    @Test func lookupWithTheRightSecretReturnsTheTarget() {
        let registry = CancelRegistry()
        let key = registry.register()
        key.setTarget(Self.target)
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == Self.target)
    }

    @Test func lookupFollowsTheCurrentTarget() {
        let registry = CancelRegistry()
        let key = registry.register()
        key.setTarget(Self.target)
        let moved = CancelTarget(address: ServerAddress(host: "10.0.0.2", port: 5433), processID: 7, secretKey: [9, 9, 9, 9, 9, 9, 9, 9])
        key.setTarget(moved)
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == moved)
        key.setTarget(nil)
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == nil)
    }

    @Test func aKeyWithoutATargetYieldsNothing() {
        let registry = CancelRegistry()
        let key = registry.register()
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == nil)
    }

    @Test func wrongSecretsYieldNothing() {
        let registry = CancelRegistry()
        let key = registry.register()
        key.setTarget(Self.target)
        var flipped = key.secretKey
        flipped[3] ^= 0x01
        for secret in [flipped, Array(key.secretKey.prefix(3)), key.secretKey + [0], [], [UInt8](repeating: 0, count: 256)] {
            #expect(registry.target(processID: key.processID, secretKey: secret) == nil, "secret \(secret)")
        }
    }

    @Test func unknownPidYieldsNothing() {
        let registry = CancelRegistry()
        let key = registry.register()
        key.setTarget(Self.target)
        let other: Int32 = key.processID == Int32.max ? 1 : key.processID + 1
        #expect(registry.target(processID: other, secretKey: key.secretKey) == nil)
        #expect(registry.target(processID: 0, secretKey: key.secretKey) == nil)
        #expect(registry.target(processID: -1, secretKey: key.secretKey) == nil)
    }

    @Test func anotherSessionsSecretDoesNotOpenThisSession() {
        let registry = CancelRegistry()
        let first = registry.register()
        let second = registry.register()
        first.setTarget(Self.target)
        second.setTarget(Self.target)
        if first.secretKey != second.secretKey {
            #expect(registry.target(processID: first.processID, secretKey: second.secretKey) == nil)
        }
    }

    @Test func unregisterForgetsTheKey() {
        let registry = CancelRegistry()
        let key = registry.register()
        let other = registry.register()
        key.setTarget(Self.target)
        other.setTarget(Self.target)
        registry.unregister(key)
        #expect(registry.count == 1)
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == nil)
        #expect(registry.target(processID: other.processID, secretKey: other.secretKey) == Self.target)
        registry.unregister(key)
        #expect(registry.count == 1, "unregistering twice is harmless")
    }

    @Test func unregisteringAKeyFromAnotherRegistryLeavesThisOneAlone() {
        let registry = CancelRegistry()
        let elsewhere = CancelRegistry()
        let key = registry.register()
        key.setTarget(Self.target)
        // A key object with the same pid but not the registered one must not remove the registered key.
        let impostor = ClientCancelKey(processID: key.processID, secretKey: key.secretKey)
        elsewhere.unregister(key)
        registry.unregister(impostor)
        #expect(registry.count == 1)
        #expect(registry.target(processID: key.processID, secretKey: key.secretKey) == Self.target)
    }
}
