import Testing

@testable import PGLensProxy

@Suite struct ParameterSetInternerTests {
    /// Whether two dictionaries share one storage (what makes `==` between them immediate).
    private func sameStorage(_ lhs: [String: String], _ rhs: [String: String]) -> Bool {
        withUnsafeBytes(of: lhs) { left in withUnsafeBytes(of: rhs) { right in left.elementsEqual(right) } }
    }

    private func parameters(_ applicationName: String) -> [String: String] {
        var values = ["client_encoding": "UTF8", "DateStyle": "ISO, MDY", "TimeZone": "UTC"]
        values["application_name"] = applicationName
        return values
    }

    @Test func equalSetsShareTheFirstCopy() {
        let interner = ParameterSetInterner()
        let first = interner.intern(parameters("app"))
        let second = parameters("app")
        #expect(!sameStorage(first, second))
        let interned = interner.intern(second)
        #expect(interned == second)
        #expect(sameStorage(first, interned))
    }

    @Test func differentSetsStayApart() {
        let interner = ParameterSetInterner()
        let app = interner.intern(parameters("app"))
        let worker = interner.intern(parameters("worker"))
        #expect(worker["application_name"] == "worker")
        #expect(!sameStorage(app, worker))
        #expect(sameStorage(interner.intern(parameters("worker")), worker))
    }

    @Test func theInternerIsBounded() {
        let interner = ParameterSetInterner()
        let first = interner.intern(parameters("client-0"))
        for index in 1..<ParameterSetInterner.capacity { _ = interner.intern(parameters("client-\(index)")) }
        // Full: the next new set starts it over, and the first is no longer kept.
        _ = interner.intern(parameters("one more"))
        let again = interner.intern(parameters("client-0"))
        #expect(again == first)
        #expect(!sameStorage(again, first))
    }
}
