import PGLensConfig
import Testing

/// `pglens serve --upstream URL [--listen ADDR]`.
@Suite struct UpstreamURLTests {
    @Test func fullURL() throws {
        let configuration = try UpstreamURL.configuration(
            upstream: "postgres://app:s3cret@db.example.com:5433/appdb", listen: nil)
        #expect(configuration.listenAddr == "127.0.0.1")
        #expect(configuration.listenPort == 6432)
        #expect(configuration.poolMode == .session)
        #expect(
            configuration.databases == [
                "appdb": DatabaseConfiguration(
                    name: "appdb", host: "db.example.com", port: 5433, dbname: "appdb", poolMode: .session,
                    password: "s3cret")
            ])
        #expect(configuration.users == ["app": UserConfiguration(name: "app", secret: .plain("s3cret"))])
        #expect(configuration.validate().isEmpty)
    }

    @Test func defaultsAndPostgresqlScheme() throws {
        let configuration = try UpstreamURL.configuration(upstream: "postgresql://app:pw@/", listen: nil)
        let database = try #require(configuration.databases["app"])
        #expect(database.host == "127.0.0.1")
        #expect(database.port == 5432)
        #expect(database.dbname == "app")
    }

    @Test func percentEncodingIsDecoded() throws {
        let configuration = try UpstreamURL.configuration(
            upstream: "postgres://us%40er:p%40ss%3Aw%2Fo%20rd%C3%A9@localhost/my%20db", listen: nil)
        #expect(configuration.users["us@er"]?.secret == .plain("p@ss:w/o rdé"))
        #expect(configuration.databases["my db"]?.password == "p@ss:w/o rdé")
        #expect(configuration.databases["my db"]?.host == "localhost")
    }

    @Test func ipv6HostsAndListen() throws {
        let configuration = try UpstreamURL.configuration(
            upstream: "postgres://app:pw@[::1]:5999/app", listen: "[::1]:7432")
        #expect(configuration.listenAddr == "::1")
        #expect(configuration.listenPort == 7432)
        #expect(configuration.databases["app"]?.host == "::1")
        #expect(configuration.databases["app"]?.port == 5999)
    }

    @Test func listenForms() throws {
        let any = try UpstreamURL.configuration(upstream: "postgres://a:b@h/d", listen: "0.0.0.0:0")
        #expect(any.listenAddr == "0.0.0.0" && any.listenPort == 0)
    }

    @Test(arguments: [
        ("http://app:hunter2@host/db", "upstream"),
        ("postgres://:hunter2@host/db", "upstream"),
        ("postgres://host/db", "upstream"),
        ("postgres://app@host/db", "upstream"),
        ("postgres://app:hunter2@host:99999/db", "upstream"),
        ("postgres://app:hunter2@host:port/db", "upstream"),
        ("postgres://app:hunter2%zz@host/db", "upstream"),
        ("postgres://app:hunter2@::1:5432/db", "upstream"),
        ("postgres://app:hunter2@host/db?sslmode=require", "upstream"),
    ])
    func badUpstreamsAreErrorsWithoutThePassword(upstream: String, key: String) {
        do {
            _ = try UpstreamURL.configuration(upstream: upstream, listen: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.key) == [key])
            #expect(!error.description.contains("hunter2"))
            #expect(!String(describing: error.problems).contains("hunter2"))
        }
    }

    @Test func missingUserIsNamed() {
        do {
            _ = try UpstreamURL.configuration(upstream: "postgres://host:5432/db", listen: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("user"))
        }
    }

    @Test(arguments: ["6432", "[::1", "[::1]x", "host:", "::1:6432", "host:65536"])
    func badListenIsAnError(listen: String) {
        do {
            _ = try UpstreamURL.configuration(upstream: "postgres://a:hunter2@h/d", listen: listen)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.key) == ["listen"])
            #expect(!error.description.contains("hunter2"))
        }
    }
}
