import Testing

@testable import PGLensProxy

/// The admin console's command parser and statement splitter.
@Suite struct AdminCommandTests {
    @Test(arguments: [
        ("SHOW POOLS", AdminCommand.show(.pools)),
        ("show pools;", .show(.pools)),
        ("  Show Stats_Totals ;  ", .show(.statsTotals)),
        ("SHOW stats_averages", .show(.statsAverages)),
        ("SHOW STATEMENTS", .show(.statements)),
        ("SHOW SLOW", .show(.slow)),
        ("pause", .pause(database: nil)),
        ("PAUSE app", .pause(database: "app")),
        ("PAUSE \"App\"", .pause(database: "App")),
        ("RESUME App", .resume(database: "App")),
        ("DISABLE app", .disable(database: "app")),
        ("enable app;", .enable(database: "app")),
        ("RECONNECT", .reconnect(database: nil)),
        ("KILL app", .kill(database: "app")),
        ("KILL_CLIENT 42", .killClient(id: 42)),
        ("WAIT_CLOSE app", .waitClose(database: "app")),
        ("RELOAD", .reload),
        ("shutdown", .shutdown),
        ("RESET STATS", .resetStats),
    ])
    func parses(text: String, command: AdminCommand) throws {
        #expect(try AdminCommand(parsing: text) == command)
    }

    @Test(arguments: [
        "SELECT 1", "SHOW", "SHOW NOTHING", "SHOW POOLS EXTRA", "PAUSE a b", "DISABLE", "KILL_CLIENT x",
        "KILL_CLIENT", "RELOAD now", "RESET", "RESET ALL", "",
    ])
    func refusesWith42601(text: String) {
        #expect {
            try AdminCommand(parsing: text)
        } throws: { error in
            (error as? AdminCommandError)?.fields.sqlState?.code == "42601"
        }
    }

    @Test func unknownCommandMessageNamesIt() {
        #expect(throws: AdminCommandError.syntax("unknown command SELECT; SHOW HELP lists the commands")) {
            try AdminCommand(parsing: "select 1")
        }
    }

    @Test func onlyShowIsReadOnly() {
        #expect(AdminCommand.show(.clients).isReadOnly)
        #expect(!AdminCommand.pause(database: nil).isReadOnly)
        #expect(!AdminCommand.resetStats.isReadOnly)
        #expect(AdminRole.stats.mayRun(.show(.stats)))
        #expect(!AdminRole.stats.mayRun(.killClient(id: 1)))
        #expect(AdminRole.admin.mayRun(.shutdown))
    }

    @Test func scriptSplitsOnSemicolonsOutsideQuotes() {
        #expect(AdminScript.statements("SHOW POOLS; show stats;") == ["SHOW POOLS", " show stats"])
        #expect(AdminScript.statements("PAUSE \"a;b\"; RESUME") == ["PAUSE \"a;b\"", " RESUME"])
        #expect(AdminScript.statements(" ; ;") == [])
    }
}
