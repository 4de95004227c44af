import Testing

@testable import PGLensAnalysis

@Suite struct LeastRecentlyUsedDictionaryTests {
    @Test func evictsLeastRecentlyUsed() {
        var dictionary = LeastRecentlyUsedDictionary<String, Int>(capacity: 2)
        #expect(dictionary.set(1, forKey: "a") == nil)
        #expect(dictionary.set(2, forKey: "b") == nil)
        #expect(dictionary.value(forKey: "a") == 1)
        let evicted = dictionary.set(3, forKey: "c")
        #expect(evicted?.key == "b")
        #expect(evicted?.value == 2)
        #expect(dictionary.value(forKey: "b") == nil)
        #expect(dictionary.valuesByRecency == [3, 1])
        #expect(dictionary.count == 2)
    }

    @Test func updateInPlaceTouches() {
        var dictionary = LeastRecentlyUsedDictionary<Int, Int>(capacity: 3)
        for key in 0..<3 { dictionary.set(key * 10, forKey: key) }
        dictionary.update(0, creating: { 0 }) { $0 += 1 }
        #expect(dictionary.valuesByRecency == [1, 20, 10])
        #expect(dictionary.update(9, creating: { 100 }) { $0 += 1 }?.key == 1)
        #expect(dictionary.valuesByRecency == [101, 1, 20])
        dictionary.removeAll()
        #expect(dictionary.count == 0)
        #expect(dictionary.valuesByRecency.isEmpty)
    }
}
