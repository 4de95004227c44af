import ArgumentParser
import Foundation
import PGLensConfig

/// `pglens check-config FILE`: report every problem of a config file.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file and report every problem with the key that caused it."
    )

    @Argument(help: "The TOML config file.")
    var file: String

    func run() throws {
        do {
            let configuration = try ConfigurationLoader.load(
                path: file, environment: ProcessInfo.processInfo.environment)
            print(
                "\(file): OK (\(configuration.databases.count) database(s), \(configuration.users.count) user(s), "
                    + "listening on \(configuration.listenAddr):\(configuration.listenPort))")
        } catch {
            for problem in error.problems {
                FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}
