import PGLensConfig
import Testing

/// The analysis and HTTP API keys: defaults, parsing, per-database thresholds, environment overrides and
/// validation.
@Suite struct AnalysisConfigurationTests {
    static let minimal = ConfigurationLoaderTests.minimal

    @Test func defaults() throws {
        let configuration = try ConfigurationLoaderTests.parse(Self.minimal)
        #expect(configuration.analysis)
        #expect(!configuration.captureParameters)
        #expect(configuration.slowQueryThresholdMs == 100)
        #expect(configuration.slowQueryLogSize == 1000)
        #expect(configuration.statsMaxStatements == 5000)
        #expect(configuration.analysisQueueSize == 65536)
        #expect(configuration.adminHTTPListen == "127.0.0.1:9930")
    }

    @Test func keysAreReadAndDatabasesMaySetTheirOwnThreshold() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            """
            analysis = false
            capture_parameters = true
            slow_query_threshold_ms = 250
            slow_query_log_size = 50
            stats_max_statements = 100
            analysis_queue_size = 1024
            admin_http_listen = "[::1]:9999"
            [databases.app]
            [databases.reports]
            slow_query_threshold_ms = 2000.5
            [databases]
            batch = "host=10.0.0.1 slow_query_threshold_ms=10000"
            [users.app]
            password = "pw"
            """)
        #expect(!configuration.analysis)
        #expect(configuration.captureParameters)
        #expect(configuration.slowQueryLogSize == 50)
        #expect(configuration.statsMaxStatements == 100)
        #expect(configuration.analysisQueueSize == 1024)
        #expect(ListenAddress(parsing: configuration.adminHTTPListen) == ListenAddress(host: "::1", port: 9999))
        let app = try #require(configuration.databases["app"])
        let reports = try #require(configuration.databases["reports"])
        let batch = try #require(configuration.databases["batch"])
        #expect(configuration.slowQueryThresholdMs(for: app) == 250)
        #expect(configuration.slowQueryThresholdMs(for: reports) == 2000.5)
        #expect(configuration.slowQueryThresholdMs(for: batch) == 10000)
    }

    @Test func environmentOverrides() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            Self.minimal,
            environment: [
                "PGLENS_ANALYSIS": "off", "PGLENS_SLOW_QUERY_THRESHOLD_MS": "5", "PGLENS_ADMIN_HTTP_LISTEN": "",
            ])
        #expect(!configuration.analysis)
        #expect(configuration.slowQueryThresholdMs == 5)
        #expect(configuration.adminHTTPListen == "")
    }

    @Test func badValuesAreReportedWithTheirKey() {
        let problems = ConfigurationLoaderTests.problems(
            """
            slow_query_threshold_ms = -1
            stats_max_statements = 0
            admin_http_listen = "9930"
            capture_parameters = "yes please"
            """ + "\n" + Self.minimal)
        #expect(
            Set(problems.map(\.key))
                == ["slow_query_threshold_ms", "stats_max_statements", "admin_http_listen", "capture_parameters"])
        #expect(problems.first { $0.key == "admin_http_listen" }?.line == 3)
    }

    @Test(arguments: [
        ("127.0.0.1:9930", ListenAddress(host: "127.0.0.1", port: 9930)),
        ("localhost:0", ListenAddress(host: "localhost", port: 0)),
        ("[::1]:80", ListenAddress(host: "::1", port: 80)),
        (":9930", ListenAddress(host: "", port: 9930)),
    ])
    func listenAddressesParse(text: String, expected: ListenAddress) {
        #expect(ListenAddress(parsing: text) == expected)
    }

    @Test(arguments: ["9930", "127.0.0.1", "127.0.0.1:70000", "::1:80", "[::1:80", "host name:1"])
    func badListenAddressesDoNotParse(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test func loopbackIsRecognized() {
        #expect(ListenAddress(host: "127.0.0.1", port: 1).isLoopback)
        #expect(ListenAddress(host: "::1", port: 1).isLoopback)
        #expect(!ListenAddress(host: "0.0.0.0", port: 1).isLoopback)
        #expect(!ListenAddress(host: "", port: 1).isLoopback)
    }
}
