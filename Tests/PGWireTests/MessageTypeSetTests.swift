import PGWire
import Testing

@Suite struct MessageTypeSetTests {
    @Test func membershipAcrossAllWords() {
        var set = MessageTypeSet([0, 63, 64, 127, 128, 191, 192, 255])
        for type in 0...255 {
            let expected = [0, 63, 64, 127, 128, 191, 192, 255].contains(type)
            #expect(set.contains(UInt8(type)) == expected)
        }
        #expect(set.members == [0, 63, 64, 127, 128, 191, 192, 255])
        set.remove(64)
        set.insert(65)
        #expect(!set.contains(64))
        #expect(set.contains(65))
        #expect(!set.isEmpty)
        #expect(MessageTypeSet.empty.isEmpty)
        let literal: MessageTypeSet = [0x5A, 0x51]
        #expect(literal == MessageTypeSet([0x51, 0x5A]))
    }

    @Test func messageIDsAreDistinctPerDirection() {
        #expect(Set(FrontendMessageID.allCases.map(\.rawValue)).count == FrontendMessageID.allCases.count)
        #expect(Set(BackendMessageID.allCases.map(\.rawValue)).count == BackendMessageID.allCases.count)
        #expect(BackendMessageID.readyForQuery.rawValue == UInt8(ascii: "Z"))
        #expect(FrontendMessageID.passwordOrSASL.rawValue == UInt8(ascii: "p"))
    }
}
