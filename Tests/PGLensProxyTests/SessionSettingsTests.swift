import PGWire
import Testing

@testable import PGLensProxy

@Suite struct SessionSettingsTests {
    static let defaults = ["TimeZone": "UTC", "DateStyle": "ISO, MDY", "application_name": ""]

    static func profile(_ pairs: KeyValuePairs<String, String>) -> ClientSettingsProfile {
        ClientSettingsProfile(
            settings: pairs.map { StartupParameter(name: $0.key, value: $0.value) }, reportedDefaults: defaults)
    }

    @Test func freshConnectionAndNoSettingsNeedsNothing() {
        #expect(SessionSettings.statements(from: .defaults, to: .empty) == nil)
        #expect(SessionSettings.state(after: .empty).isDefaults)
    }

    @Test func settingsEqualToTheReportedDefaultsNeedNothing() {
        let profile = Self.profile(["timezone": "UTC", "DateStyle": "ISO, MDY"])
        #expect(profile.isEmpty)
        #expect(SessionSettings.statements(from: .defaults, to: profile) == nil)
    }

    @Test func freshConnectionGetsEverySettingThroughSetConfig() {
        let profile = Self.profile(["search_path": "foo,public", "TimeZone": "Asia/Tokyo"])
        #expect(
            SessionSettings.statements(from: .defaults, to: profile)
                == "SELECT pg_catalog.set_config('search_path', 'foo,public', false), "
                + "pg_catalog.set_config('TimeZone', 'Asia/Tokyo', false)")
    }

    @Test func sameProfileAsAppliedNeedsNothing() {
        let profile = Self.profile(["search_path": "foo"])
        #expect(SessionSettings.statements(from: .applied(profile), to: profile) == nil)
        // Equal by value, not only the same object.
        #expect(SessionSettings.statements(from: .applied(Self.profile(["search_path": "foo"])), to: profile) == nil)
    }

    @Test func anotherClientsSettingsAreResetAndOnlyDifferencesSet() {
        let previous = Self.profile(["TimeZone": "Asia/Tokyo", "search_path": "foo", "work_mem": "8MB"])
        let next = Self.profile(["search_path": "bar", "work_mem": "8MB"])
        #expect(
            SessionSettings.statements(from: .applied(previous), to: next)
                == #"RESET "TimeZone"; SELECT pg_catalog.set_config('search_path', 'bar', false)"#)
    }

    @Test func aClientWithoutSettingsGetsThePreviousOnesReset() {
        let previous = Self.profile(["default_transaction_read_only": "on", "statement_timeout": "1234"])
        #expect(
            SessionSettings.statements(from: .applied(previous), to: .empty)
                == #"RESET "default_transaction_read_only"; RESET "statement_timeout""#)
        #expect(SessionSettings.state(after: .empty).isDefaults)
    }

    @Test func unknownStateStartsWithResetAll() {
        #expect(SessionSettings.statements(from: .unknown, to: .empty) == "RESET ALL")
        #expect(
            SessionSettings.statements(from: .unknown, to: Self.profile(["work_mem": "4MB"]))
                == "RESET ALL; SELECT pg_catalog.set_config('work_mem', '4MB', false)")
    }

    @Test func theLastValueOfANameWinsWhateverItsCase() {
        let profile = ClientSettingsProfile(
            settings: [
                StartupParameter(name: "timezone", value: "Asia/Tokyo"),
                StartupParameter(name: "TimeZone", value: "Europe/Paris"),
            ], reportedDefaults: Self.defaults)
        #expect(profile.entries.count == 1)
        #expect(profile["timezone"]?.value == "Europe/Paris")
    }

    @Test func valuesAndNamesAreQuotedAsConstants() {
        #expect(SessionSettings.literal("it's") == "'it''s'")
        #expect(SessionSettings.literal("'; DROP TABLE t; --") == "'''; DROP TABLE t; --'")
        #expect(SessionSettings.literal(#"a\b"#) == #"E'a\\b'"#)
        #expect(SessionSettings.literal(#"a\'b"#) == #"E'a\\''b'"#)
        #expect(SessionSettings.quotedIdentifier(#"we"ird"#) == #""we""ird""#)
        let profile = Self.profile([#"x', 'y', false); DROP TABLE t; --"#: "v"])
        #expect(
            SessionSettings.statements(from: .defaults, to: profile)
                == #"SELECT pg_catalog.set_config('x'', ''y'', false); DROP TABLE t; --', 'v', false)"#)
    }
}

extension ServerSettingsState {
    var isDefaults: Bool {
        if case .defaults = self { return true }
        return false
    }
}
