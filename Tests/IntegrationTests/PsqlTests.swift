import Foundation
import Testing

@Suite("psql through pglens")
struct PsqlTests {
    /// Runs the same psql invocation directly and through the proxy; PIDs in notification lines are masked.
    private func both(_ proxy: ProxyUnderTest, _ arguments: [String]) async throws -> (CommandResult, CommandResult) {
        async let direct = ClientRunner.psql(
            port: proxy.cluster.port, user: "app", password: PostgresCluster.appPassword, arguments: arguments)
        async let proxied = ClientRunner.psql(
            port: proxy.port, user: "app", password: PostgresCluster.appPassword, arguments: arguments)
        return try await (Self.masked(direct), Self.masked(proxied))
    }

    private static func masked(_ result: CommandResult) -> CommandResult {
        var copy = result
        copy.stdout = copy.stdout.replacingOccurrences(
            of: "server process with PID [0-9]+", with: "server process with PID <pid>", options: .regularExpression)
        return copy
    }

    @Test("simple queries, NULLs, unicode and a multi-statement string")
    func simpleQueries() async throws {
        try await ProxyUnderTest.with { proxy in
            let (direct, proxied) = try await both(
                proxy,
                [
                    "-P", "null=<null>",
                    "-c", "SELECT 1 AS one, 'x'::text AS t, NULL::int AS n, 1.50::numeric AS d, true AS b",
                    "-c", "SELECT 'héllo wörld ✓ 日本語 🐘' AS u, length('🐘') AS l, octet_length('🐘') AS o",
                    "-c", "SELECT NULL AS a, ''::text AS e UNION ALL SELECT 'x', NULL",
                    "-c", "SELECT 1; SELECT 2",
                    "-c", "SELECT g, g * g AS sq FROM generate_series(1, 3) g",
                ])
            #expect(direct.exitCode == 0, "\(direct)")
            let expected = """
                one|t|n|d|b
                1|x|<null>|1.50|t
                (1 row)
                u|l|o
                héllo wörld ✓ 日本語 🐘|1|4
                (1 row)
                a|e
                <null>|
                x|<null>
                (2 rows)
                ?column?
                1
                (1 row)
                ?column?
                2
                (1 row)
                g|sq
                1|1
                2|4
                3|9
                (3 rows)

                """
            #expect(direct.stdout == expected)
            #expect(proxied.stdout == expected)
            #expect(proxied.stderr == direct.stderr)
            #expect(proxied.exitCode == 0)
        }
    }

    @Test("an error inside a transaction, then ROLLBACK")
    func errorInTransaction() async throws {
        try await ProxyUnderTest.with { proxy in
            let (direct, proxied) = try await both(
                proxy,
                [
                    "-c", "BEGIN",
                    "-c", "CREATE TEMP TABLE rb(x int)",
                    "-c", "SELECT 1/0",
                    "-c", "SELECT 1",
                    "-c", "ROLLBACK",
                    "-c", "SELECT to_regclass('pg_temp.rb') IS NULL AS gone, 'after' AS s",
                ])
            let expectedOut = "BEGIN\nCREATE TABLE\nROLLBACK\ngone|s\nt|after\n(1 row)\n"
            let expectedErr = """
                ERROR:  division by zero
                ERROR:  current transaction is aborted, commands ignored until end of transaction block

                """
            #expect(direct.stdout == expectedOut)
            #expect(direct.stderr == expectedErr)
            #expect(proxied.stdout == expectedOut)
            #expect(proxied.stderr == expectedErr)
            #expect(proxied.exitCode == direct.exitCode)
        }
    }

    @Test("LISTEN and NOTIFY in one psql session")
    func listenNotify() async throws {
        try await ProxyUnderTest.with { proxy in
            let (direct, proxied) = try await both(
                proxy, ["-c", "LISTEN psql_ch", "-c", "NOTIFY psql_ch, 'payload ✓'", "-c", "SELECT 'done' AS d"])
            let expected = """
                LISTEN
                NOTIFY
                Asynchronous notification "psql_ch" with payload "payload ✓" received from server process with PID <pid>.
                d
                done
                (1 row)

                """
            #expect(direct.stdout == expected)
            #expect(proxied.stdout == expected)
            #expect(proxied.stderr == direct.stderr)
        }
    }

    @Test("\\copy in and out of a 100k-row table is lossless")
    func copyRoundTrip() async throws {
        let dir = try TempDirectory.make(prefix: "pglens-it-copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var input = ""
        input.reserveCapacity(4_000_000)
        for i in 1...100_000 {
            let text = i % 10 == 0 ? "\\N" : "row \(i) ✓ tab\\there back\\\\slash"
            let num = i % 7 == 0 ? "\\N" : String(i * 3)
            input += "\(i)\t\(text)\t\(num)\n"
        }
        try input.write(toFile: dir + "/in.tsv", atomically: true, encoding: .utf8)
        try await ProxyUnderTest.with { proxy in
            let result = try await ClientRunner.psql(
                port: proxy.port, user: "app", password: PostgresCluster.appPassword,
                arguments: [
                    "-c", "CREATE TEMP TABLE copied(id int PRIMARY KEY, s text, n bigint)",
                    "-c", "\\copy copied from '\(dir)/in.tsv'",
                    "-c", "SELECT count(*), count(s), count(n), sum(id) FROM copied",
                    "-c", "\\copy (SELECT * FROM copied ORDER BY id) to '\(dir)/out.tsv'",
                ])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stderr == "")
            #expect(
                result.stdout
                    == "CREATE TABLE\nCOPY 100000\ncount|count|count|sum\n100000|90000|85715|5000050000\n(1 row)\nCOPY 100000\n"
            )
            let output = try String(contentsOfFile: dir + "/out.tsv", encoding: .utf8)
            #expect(output.count == input.count)
            #expect(output == input)
        }
    }
}
